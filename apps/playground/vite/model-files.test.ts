import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelDir, modelFiles } from './model-files.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sjd-model-files-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('modelFiles', () => {
  it('serves the manifest and exactly the files it names', () => {
    const dir = folder({
      'manifest.json': JSON.stringify({
        files: { decoder: 'decoder.onnx', imageDecoder: 'vq.onnx' },
      }),
      'decoder.onnx': 'd',
      'vq.onnx': 'v',
      'checkpoint.pt': 'not for the browser',
    });
    expect(modelFiles(dir).map((f) => f.name)).toEqual([
      'manifest.json',
      'decoder.onnx',
      'vq.onnx',
    ]);
  });

  it('serves a Janus folder: its JSON files and onnx/*.onnx, nothing else', () => {
    const dir = folder({
      'config.json': JSON.stringify({ model_type: 'multi_modality' }),
      'tokenizer.json': '{}',
      'onnx/language_model.onnx': 'l',
      'onnx/gen_head_fp16.onnx': 'g',
      'onnx/notes.txt': 'not for the browser',
      'README.md': 'not for the browser',
    });
    expect(modelFiles(dir).map((f) => f.name)).toEqual([
      'config.json',
      'tokenizer.json',
      'onnx/gen_head_fp16.onnx',
      'onnx/language_model.onnx',
    ]);
  });

  it('fails the build with a message naming the folder and the override', () => {
    const empty = folder({});
    expect(() => modelFiles(empty)).toThrow(/no model at .*SJD_MODEL_DIR/);
    const missing = folder({
      'manifest.json': JSON.stringify({ files: { decoder: 'decoder.onnx' } }),
    });
    expect(() => modelFiles(missing)).toThrow(/names decoder\.onnx, which is not in/);
    const outside = folder({
      'manifest.json': JSON.stringify({ files: { decoder: '../x.onnx' } }),
    });
    expect(() => modelFiles(outside)).toThrow(/outside the model folder/);
  });

  it('takes SJD_MODEL_DIR over the shipped model', () => {
    expect(modelDir({ SJD_MODEL_DIR: '/some/model' })).toBe('/some/model');
    expect(modelDir({})).toMatch(/packages\/shapes\/model$/);
    expect(modelDir({ SJD_MODEL: 'fashion-v1' })).toMatch(/packages\/fashion\/model$/);
    expect(() => modelDir({ SJD_MODEL: 'shapes-v9' })).toThrow(/known: shapes-v2, fashion-v1/);
  });
});
