import {
  encodePrompt,
  type GenerateRequest,
  type GenerationResult,
  generate,
  InvalidArgumentError,
} from '@sjd/core';
import { heldOutCaptions } from '@sjd/shapes';
import { describe, expect, it } from 'vitest';
import { OnnxLogitsProvider } from './onnx-logits-provider.js';
import { testModelDir } from './test-model.js';
import { useBatchedAndAloneProviders } from './test-support/batched-and-alone.js';

// Continuous batching on the real model: the same requests on a batching provider and on
// one with batching off (maxBatchRows 1) must give every request the same tokens.
const providers = useBatchedAndAloneProviders();

const captions = heldOutCaptions();

function tokensOf(outcome: PromiseSettledResult<GenerationResult>): number[] {
  if (outcome.status === 'rejected') throw outcome.reason;
  return [...outcome.value.images[0]!.tokens];
}

/** A mix of everything a server sees at once: CFG and not, AR, SJD windows, Jacobi. */
function mixedRequests(provider: OnnxLogitsProvider, count: number): GenerateRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const prompt = encodePrompt(provider.manifest, captions[i % captions.length]!);
    const cfg = i % 3 === 1;
    return {
      provider,
      prompt: prompt.conditional,
      ...(cfg && { unconditionalPrompt: prompt.unconditional }),
      seed: 1000 + i,
      sampling: {
        ...provider.manifest.sampling,
        temperature: i % 4 === 3 ? 0 : 1,
        cfgScale: cfg ? 3 : 1,
      },
      decoding:
        i % 5 === 4
          ? { method: 'ar' }
          : i % 5 === 3
            ? { method: 'jacobi', window: 8, init: 'vertical' }
            : { method: 'sjd', window: [16, 7, 32][i % 3]!, init: 'above-distribution' },
    } satisfies GenerateRequest;
  });
}

function on(provider: OnnxLogitsProvider, requests: GenerateRequest[]): GenerateRequest[] {
  return requests.map((r) => ({ ...r, provider }));
}

describe('continuous batching on the real model', () => {
  it('every request, greedy or seeded, gives the tokens it gives alone (12 mixed requests, 8 rows a call)', async () => {
    const requests = mixedRequests(providers.batched, 12);
    const together = await generate(requests);
    expect(providers.batched.batcher!.peakRows).toBeGreaterThan(1);
    expect(providers.batched.batcher!.peakRows).toBeLessThanOrEqual(8);
    expect(providers.batched.batcher!.passes).toBeGreaterThan(providers.batched.batcher!.calls * 2);
    // Every KV layout of a merged pass was exercised (docs/kv-cache.md).
    const { reused, stacked, compacted } = providers.batched.batchLayouts;
    expect({ reused, stacked, compacted }).toEqual({
      reused: expect.any(Number),
      stacked: expect.any(Number),
      compacted: expect.any(Number),
    });
    expect(Math.min(reused, stacked, compacted)).toBeGreaterThan(0);
    const separate: number[][] = [];
    for (const r of on(providers.alone, requests))
      separate.push(tokensOf((await generate([r]))[0]!));
    const differing = together.map((o, i) => (tokensOf(o).join() === separate[i]!.join() ? 0 : 1));
    expect(differing).toEqual(requests.map(() => 0));
    expect(providers.batched.activeSessions).toBe(0);
  });

  it('a merged forward pass gives each row the logits of its own pass, to float noise', async () => {
    const start = providers.batched.layout.imageTokens.start;
    const prompts = [0, 1, 2].map((i) => encodePrompt(providers.batched.manifest, captions[i]!));
    // Three sessions at different past lengths (CFG pair, single rows) and block lengths.
    const open = async (provider: OnnxLogitsProvider) => {
      const a = await provider.openSession({
        prefixes: [
          prompts[0]!.conditional.subarray(0, -1),
          prompts[0]!.unconditional.subarray(0, -1),
        ],
      });
      const b = await provider.openSession({ prefixes: [prompts[1]!.conditional.subarray(0, -1)] });
      const c = await provider.openSession({ prefixes: [prompts[2]!.conditional.subarray(3, -1)] });
      await b.evaluate([Int32Array.of(2, start + 5, start + 9, start + 400)]);
      await b.truncate(b.length - 1);
      return [a, b, c] as const;
    };
    const blocks = [
      [Int32Array.of(2, start + 1, start + 2), Int32Array.of(2, start + 1, start + 2)],
      [Int32Array.of(start + 7)],
      [Int32Array.of(2, start + 3, start + 3, start + 3, start + 3, start + 8, start + 100)],
    ];
    const x = await open(providers.batched);
    const merged = await Promise.all(x.map((s, i) => s.evaluate(blocks[i]!)));
    const y = await open(providers.alone);
    let maxDiff = 0;
    for (let i = 0; i < 3; i++) {
      const own = await y[i]!.evaluate(blocks[i]!);
      for (let r = 0; r < own.length; r++) {
        expect(merged[i]![r]!.length).toBe(own[r]!.length);
        for (let k = 0; k < own[r]!.length; k++)
          maxDiff = Math.max(maxDiff, Math.abs(merged[i]![r]![k]! - own[r]![k]!));
      }
    }
    expect(maxDiff).toBeLessThan(1e-4);
    for (const s of [...x, ...y]) await s.dispose();
  });

  it('cancelling one request leaves the others’ tokens untouched', async () => {
    const requests = mixedRequests(providers.batched, 5);
    const controller = new AbortController();
    let blocks = 0;
    requests[2] = {
      ...requests[2]!,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'token-block' && ++blocks === 3) controller.abort();
      },
    };
    const together = await generate(requests);
    expect(together[2]!.status).toBe('rejected');
    for (const i of [0, 1, 3, 4]) {
      const own = await generate([on(providers.alone, [requests[i]!])[0]!]);
      expect(tokensOf(together[i]!)).toEqual(tokensOf(own[0]!));
    }
    expect(providers.batched.activeSessions).toBe(0);
  });

  it('rejects a bad maxBatchRows naming the field', async () => {
    await expect(
      OnnxLogitsProvider.load({ modelDir: testModelDir, maxBatchRows: 0 }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      OnnxLogitsProvider.load({ modelDir: testModelDir, maxBatchRows: 2.5 }),
    ).rejects.toThrow(/maxBatchRows/);
  });
});
