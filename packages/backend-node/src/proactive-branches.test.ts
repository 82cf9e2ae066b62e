import { encodePrompt, type GenerateRequest, type GenerationResult, generate } from '@sjd/core';
import { heldOutCaptions } from '@sjd/shapes';
import { describe, expect, it } from 'vitest';
import type { OnnxLogitsProvider } from './onnx-logits-provider.js';
import { useBatchedAndAloneProviders } from './test-support/batched-and-alone.js';

// SJD's proactive branches on the real model: extra row groups kept in step by
// `adoptRows`, also while the ForwardBatcher holds the caches as views of a merged pass.
const providers = useBatchedAndAloneProviders();

function result(outcome: PromiseSettledResult<GenerationResult>): GenerationResult {
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
}

function requests(provider: OnnxLogitsProvider): GenerateRequest[] {
  const captions = heldOutCaptions();
  return [1, 3, 1].map((branches, i) => {
    const prompt = encodePrompt(provider.manifest, captions[i]!);
    const cfg = i === 1;
    return {
      provider,
      prompt: prompt.conditional,
      ...(cfg && { unconditionalPrompt: prompt.unconditional }),
      seed: 40 + i,
      sampling: { ...provider.manifest.sampling, cfgScale: cfg ? 3 : 1 },
      decoding: { method: 'sjd', window: 8, init: 'random', branches },
    } satisfies GenerateRequest;
  });
}

describe('proactive branches on the onnxruntime-node provider', () => {
  it('merged with other sessions by the batcher, every request gives the tokens it gives alone', async () => {
    const together = (await generate(requests(providers.batched))).map(result);
    expect(providers.batched.batcher!.peakRows).toBeGreaterThan(4);
    const separate: GenerationResult[] = [];
    for (const r of requests(providers.alone)) separate.push(result((await generate([r]))[0]!));
    expect(together.map((r) => [...r.images[0]!.tokens].join())).toEqual(
      separate.map((r) => [...r.images[0]!.tokens].join()),
    );
    // The branches were taken, so adoptRows copied branch rows, not only the main row.
    expect(separate.reduce((n, r) => n + r.statistics.branchSteps, 0)).toBeGreaterThan(0);
  });
});
