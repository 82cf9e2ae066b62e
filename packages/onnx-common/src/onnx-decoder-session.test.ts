import { encodePrompt } from '@sjd/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { checkDecoderGraph } from './check-decoder-graph.js';
import { ModelLoadError } from './model-load-error.js';
import { OnnxDecoderSession } from './onnx-decoder-session.js';
import { manifest, shape, useShippedDecoder } from './test-support/shipped-decoder.js';

// The shipped decoder (or SJD_MODEL_DIR's) through onnxruntime-node: real graphs, no mocks.
const shipped = useShippedDecoder();

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('OnnxDecoderSession', () => {
  it('rows with prefixes of different lengths in one batch give each row’s own logits', async () => {
    const long = encodePrompt(manifest, 'a large red circle in the centre').conditional;
    const short = long.subarray(3); // a shorter prefix: left-padded in the batch
    const block = Int32Array.of(
      manifest.vocabulary.image.start + 5,
      manifest.vocabulary.image.start + 9,
    );
    const batched = await OnnxDecoderSession.open(ort, shipped.session, shape(), 'trim', [
      long,
      short,
    ]);
    const [a, b] = await batched.evaluate([block, block]);
    for (const [prefix, got] of [
      [long, a],
      [short, b],
    ] as const) {
      const alone = await OnnxDecoderSession.open(ort, shipped.session, shape(), 'trim', [prefix]);
      const [want] = await alone.evaluate([block]);
      expect(maxDifference(got!, want!)).toBeLessThan(1e-3);
      await alone.dispose();
    }
    await batched.dispose();
    await expect(batched.evaluate([block, block])).rejects.toThrow(/after dispose/);
  });

  it('checkDecoderGraph accepts the graph and names what a wrong manifest gets wrong', () => {
    expect(() => checkDecoderGraph(shipped.session, manifest, 'decoder.onnx')).not.toThrow();
    const wrongHeads = {
      ...manifest,
      decoder: { ...manifest.decoder, numKeyValueHeads: manifest.decoder.numKeyValueHeads + 1 },
    };
    expect(() => checkDecoderGraph(shipped.session, wrongHeads, 'decoder.onnx')).toThrow(
      ModelLoadError,
    );
    expect(() => checkDecoderGraph(shipped.session, wrongHeads, 'decoder.onnx')).toThrow(
      /key\/value heads/,
    );
    const wrongInput = {
      ...manifest,
      decoder: { ...manifest.decoder, inputs: [...manifest.decoder.inputs, 'token_type_ids'] },
    };
    expect(() => checkDecoderGraph(shipped.session, wrongInput, 'decoder.onnx')).toThrow(
      /token_type_ids/,
    );
  });
});
