import { encodePrompt, KvCache } from '@sjd/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { type ForwardRequest, type LayoutCounts, runForward } from './batched-forward.js';
import { ForwardBuffers } from './forward-batcher-buffers.js';
import { manifest, shape, useShippedDecoder } from './test-support/shipped-decoder.js';

describe('ForwardBuffers', () => {
  it('hands a given-back buffer out again for a length of the same size class', () => {
    const buffers = new ForwardBuffers();
    const a = buffers.take(10_000);
    expect(a.length).toBe(10_000);
    buffers.give(a);
    const b = buffers.take(11_000);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(11_000);
    expect([buffers.allocated, buffers.reused]).toEqual([1, 1]);
    // Another size class, and memory it did not hand out, are not reused.
    buffers.give(new Float32Array(10_000));
    expect(buffers.take(100_000).buffer).not.toBe(a.buffer);
    expect(buffers.allocated).toBe(2);
  });

  it('keeps at most maxFreeBytes for reuse, and a buffer given twice once', () => {
    const buffers = new ForwardBuffers(300_000);
    const views = [buffers.take(50_000), buffers.take(50_000)];
    for (const v of views) buffers.give(v);
    buffers.give(views[0]!);
    // 50 000 floats round up to a capacity of ~57 k (about 230 kB): one fits, not two.
    const again = [buffers.take(50_000), buffers.take(50_000)];
    expect(again[0]!.buffer).toBe(views[0]!.buffer);
    expect(again[1]!.buffer).not.toBe(views[1]!.buffer);
    expect(buffers.reused).toBe(1);
  });
});

// The shipped decoder through onnxruntime-node: recycled buffers hold old values (here NaN),
// and a merged pass must not read any of them.
const shipped = useShippedDecoder();

/** Prefills two caches of different lengths, then runs merged passes in changing orders. */
async function merged(buffers: ForwardBuffers | undefined, counts: LayoutCounts) {
  const { layers, kvHeads, headDim } = shape();
  const prompt = encodePrompt(manifest, 'a large red circle in the centre').conditional;
  const prefixes = [prompt, prompt.subarray(4)];
  const caches = prefixes.map(() => new KvCache(1, layers, kvHeads, headDim));
  const image = manifest.vocabulary.image.start;
  const request = (i: number, tokens: number[]): ForwardRequest => ({
    cache: caches[i]!,
    blocks: [Int32Array.from(tokens)],
    attend: [tokens.map(() => 1)],
  });
  const logits: Float32Array[] = [];
  const keep = (results: Float32Array[][]) => {
    for (const rows of results) for (const row of rows) logits.push(row.slice());
  };
  for (const [i, prefix] of prefixes.entries()) {
    keep(await runForward(ort, shipped.session, shape(), [request(i, Array.from(prefix))]));
  }
  // Different widths: the narrower cache is left-padded (stacked layout).
  keep(
    await runForward(
      ort,
      shipped.session,
      shape(),
      [request(0, [image + 1, image + 2, image + 3]), request(1, [image + 4, image + 5])],
      counts,
      buffers,
    ),
  );
  // Same requests, same order: the output is fed back whole (reused layout).
  caches[0]!.truncate(caches[0]!.length - 1, 'mask');
  keep(
    await runForward(
      ort,
      shipped.session,
      shape(),
      [request(0, [image + 6]), request(1, [image + 7, image + 8])],
      counts,
      buffers,
    ),
  );
  // Reversed order with a third, fresh cache: stacked again.
  caches.push(new KvCache(1, layers, kvHeads, headDim));
  keep(
    await runForward(
      ort,
      shipped.session,
      shape(),
      [request(1, [image + 9]), request(2, Array.from(prompt.subarray(2))), request(0, [image])],
      counts,
      buffers,
    ),
  );
  return logits;
}

describe('runForward with recycled buffers', () => {
  it('gives bit-identical logits to fresh buffers, whatever the recycled buffers held', async () => {
    const fresh: LayoutCounts = { alone: 0, reused: 0, stacked: 0, compacted: 0 };
    const expected = await merged(undefined, fresh);
    const buffers = new ForwardBuffers();
    // Every size class a pass of this test can ask for, filled with NaN and given back.
    for (let length = 1; length < 2_000_000; length = Math.ceil(length * 1.1) + 1) {
      for (let copy = 0; copy < 8; copy++) {
        const view = buffers.take(length);
        new Float32Array(view.buffer).fill(Number.NaN);
        buffers.give(view);
      }
    }
    const recycled: LayoutCounts = { alone: 0, reused: 0, stacked: 0, compacted: 0 };
    const got = await merged(buffers, recycled);
    expect(recycled).toEqual(fresh);
    expect(recycled.stacked).toBeGreaterThanOrEqual(2);
    expect(recycled.reused).toBe(1);
    expect(buffers.reused).toBeGreaterThan(0);
    expect(got.length).toBe(expected.length);
    for (const [i, row] of got.entries()) expect(row).toEqual(expected[i]);
  });
});
