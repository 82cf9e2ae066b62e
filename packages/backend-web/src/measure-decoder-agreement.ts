import type { ModelManifest } from '@sjd/core';
import * as ort from 'onnxruntime-web/webgpu';

/**
 * Largest |logit difference| between two sessions of the same decoder (WebGPU and wasm) on
 * a probe sequence: a caption-shaped prompt and a few image tokens, one forward pass from an
 * empty cache. On a correct backend it is float rounding (well under 0.01); larger means the
 * WebGPU kernels compute a different model.
 */
export async function measureDecoderAgreement(
  candidate: ort.InferenceSession,
  reference: ort.InferenceSession,
  manifest: ModelManifest,
): Promise<number> {
  const { special, text, image } = manifest.vocabulary;
  const ids: number[] = [special.bos];
  for (let i = 0; i < manifest.prompt.captionLength; i++)
    ids.push(i < 6 ? text.start + ((i * 5) % text.count) : special.pad);
  ids.push(special.boi);
  for (let i = 0; i < 8; i++) ids.push(image.start + ((i * 37) % image.count));
  const feeds = (): Record<string, ort.Tensor> => {
    const n = ids.length;
    const result: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      position_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
        [1, n],
      ),
    };
    const { numLayers, numKeyValueHeads, headDim } = manifest.decoder;
    for (let l = 0; l < numLayers; l++) {
      for (const part of ['key', 'value']) {
        result[`past_key_values.${l}.${part}`] = new ort.Tensor('float32', new Float32Array(0), [
          1,
          numKeyValueHeads,
          0,
          headDim,
        ]);
      }
    }
    return result;
  };
  const logits = async (session: ort.InferenceSession) => {
    const outputs = await session.run(feeds());
    const data = (await outputs['logits']!.getData()) as Float32Array;
    for (const tensor of Object.values(outputs)) tensor.dispose();
    return data;
  };
  const a = await logits(candidate);
  const b = await logits(reference);
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    const difference = Math.abs(a[i]! - b[i]!);
    if (!(difference <= largest)) largest = difference; // NaN counts as the largest
  }
  return largest;
}
