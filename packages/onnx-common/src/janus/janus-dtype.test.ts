import { describe, expect, it } from 'vitest';
import { janusOnnxFile, resolveJanusDtypes } from './janus-dtype.js';

describe('resolveJanusDtypes', () => {
  it('takes the option, else the folder default, else fp32, per sub-model', () => {
    const dtypes = resolveJanusDtypes(
      { language_model: 'q4f16' },
      { language_model: 'q4', gen_head: 'fp16' },
    );
    expect(dtypes.language_model).toBe('q4f16');
    expect(dtypes.gen_head).toBe('fp16');
    expect(dtypes.image_decode).toBe('fp32');
    expect(resolveJanusDtypes('q8', undefined).lm_head).toBe('q8');
    expect(resolveJanusDtypes(undefined, 'fp16').prepare_inputs_embeds).toBe('fp16');
    expect(janusOnnxFile('language_model', 'q4f16')).toBe('onnx/language_model_q4f16.onnx');
    expect(janusOnnxFile('gen_head', 'q8')).toBe('onnx/gen_head_quantized.onnx');
    expect(janusOnnxFile('image_decode', 'fp32')).toBe('onnx/image_decode.onnx');
  });

  it('rejects unknown dtypes and sub-models with a typed error naming the field', () => {
    expect(() => resolveJanusDtypes('fp8' as never, undefined)).toThrow(/dtype/);
    expect(() => resolveJanusDtypes({ decoder: 'fp32' } as never, undefined)).toThrow(
      /dtype\.decoder/,
    );
    expect(() => resolveJanusDtypes(undefined, { language_model: 'int3' })).toThrow(
      /transformers\.js_config/,
    );
  });
});
