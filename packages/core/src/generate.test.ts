import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors/invalid-argument-error.js';
import { type GenerateRequest, type GenerationResult, generate } from './generate.js';
import type { GenerationEvent } from './generation-events.js';
import type { ImageLayout } from './provider/image-layout.js';
import { enumerateSequenceDistribution } from './testing/enumerate-sequences.js';
import { chiSquareGoodnessOfFit } from './testing/goodness-of-fit.js';
import { hashedLogits } from './testing/hashed-logits.js';
import { ToyLogitsProvider } from './testing/toy-logits-provider.js';

// The exactness suite's toy: vocabulary 0 bos, 1 boi, 2–4 image tokens, 5 a word.
const GRID: ImageLayout = {
  gridWidth: 3,
  gridHeight: 2,
  imageTokens: { start: 2, count: 3 },
  endOfRowToken: null,
};
const PROMPT = [0, 5, 1];
const OTHER = [0, 1];
const PLAIN = { temperature: 1, topK: 0, topP: 1, cfgScale: 1 };
const provider = new ToyLogitsProvider({
  vocabSize: 7,
  layout: GRID,
  logits: hashedLogits({ salt: 11, scale: 2 }),
});

function fulfilled(outcome: PromiseSettledResult<GenerationResult>): GenerationResult {
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
}

/** Requests of every kind to run beside the one under test. */
function neighbours(seed: number): GenerateRequest[] {
  return [
    { provider, prompt: OTHER, seed: seed + 1, decoding: { method: 'ar' } },
    {
      provider,
      prompt: PROMPT,
      unconditionalPrompt: OTHER,
      seed: seed + 2,
      sampling: { cfgScale: 2, topK: 2 },
      decoding: { method: 'sjd', window: 4, init: 'vertical' },
    },
    { provider, prompt: OTHER, seed: seed + 3, decoding: { method: 'jacobi', window: 3 } },
  ];
}

describe('generate with several requests', () => {
  it('gives each request the result it gets alone, in request order, with its own events', async () => {
    const requests: GenerateRequest[] = [1, 2, 3].map((seed) => ({
      provider,
      prompt: seed === 2 ? OTHER : PROMPT,
      seed,
      images: seed,
      decoding: { method: 'sjd', window: seed + 1, init: 'random' },
    }));
    const events: GenerationEvent['type'][][] = requests.map(() => []);
    const outcomes = await generate(
      requests.map((r, i) => ({ ...r, onEvent: (e: GenerationEvent) => events[i]!.push(e.type) })),
    );
    expect(outcomes).toHaveLength(3);
    for (let i = 0; i < requests.length; i++) {
      const alone = await generate(requests[i]!);
      const together = fulfilled(outcomes[i]!);
      expect(together.seed).toBe(alone.seed);
      expect(together.images.map((im) => [...im.tokens])).toEqual(
        alone.images.map((im) => [...im.tokens]),
      );
      expect(events[i]![0]).toBe('generation-start');
      expect(events[i]!.at(-1)).toBe('generation-done');
      expect(events[i]!.filter((t) => t === 'image-done')).toHaveLength(i + 1);
    }
  });

  it('a request that fails or is cancelled leaves the others untouched', async () => {
    const controller = new AbortController();
    const aborting: GenerateRequest = {
      provider,
      prompt: PROMPT,
      seed: 9,
      images: 50,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'image-done' && e.image === 2) controller.abort();
      },
    };
    const bad: GenerateRequest = { provider, prompt: PROMPT, sampling: { topP: 2 } };
    const good: GenerateRequest = { provider, prompt: PROMPT, seed: 4, images: 5 };
    const [a, b, c] = await generate([aborting, bad, good]);
    expect(a!.status).toBe('rejected');
    expect(String((a as PromiseRejectedResult).reason)).toMatch(/abort/i);
    expect(b!.status).toBe('rejected');
    expect((b as PromiseRejectedResult).reason).toBeInstanceOf(InvalidArgumentError);
    expect(fulfilled(c!).images.map((im) => [...im.tokens])).toEqual(
      (await generate(good)).images.map((im) => [...im.tokens]),
    );
  });

  it('rejects an empty list naming the field', async () => {
    await expect(generate([])).rejects.toMatchObject({ field: 'requests' });
  });

  it('exactness: a request run beside random others samples the enumerated distribution', async () => {
    // As the exactness suite, for one SJD configuration: every sample is the first request
    // of a call that also runs AR, CFG-SJD and Jacobi neighbours with their own seeds.
    const counts = new Map<string, number>();
    const samples = 3000;
    for (let s = 0; s < samples; s += 100) {
      const [first] = await generate([
        {
          provider,
          prompt: PROMPT,
          seed: 50_000 + s,
          images: 100,
          sampling: PLAIN,
          decoding: { method: 'sjd', window: 3, init: 'random' },
        },
        ...neighbours(s),
      ]);
      for (const image of fulfilled(first!).images) {
        const key = image.tokens.join(',');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    const exact = enumerateSequenceDistribution(provider, PROMPT, null, PLAIN);
    const fit = chiSquareGoodnessOfFit(counts, exact);
    expect(fit.samples).toBe(samples);
    expect(fit.impossible).toBe(0);
    expect(
      fit.pValue,
      `chi2=${fit.statistic.toFixed(1)} df=${fit.degreesOfFreedom}`,
    ).toBeGreaterThan(1e-4);
  });
});

describe('proactive branches (decoding.branches)', () => {
  it('leave greedy decoding as it is: SJD at temperature 0 with branches gives the greedy tokens', async () => {
    const greedy = { ...PLAIN, temperature: 0 };
    const ar = await generate({
      provider,
      prompt: PROMPT,
      seed: 3,
      images: 4,
      sampling: greedy,
      decoding: { method: 'ar' },
    });
    for (const branches of [1, 3]) {
      const sjd = await generate({
        provider,
        prompt: PROMPT,
        seed: 3,
        images: 4,
        sampling: greedy,
        decoding: { method: 'sjd', window: 4, init: 'random', branches },
      });
      expect(sjd.images.map((i) => [...i.tokens])).toEqual(ar.images.map((i) => [...i.tokens]));
    }
  });

  it('feed every branch as extra rows over the prompt and count the steps that took one', async () => {
    const result = await generate({
      provider,
      prompt: PROMPT,
      unconditionalPrompt: OTHER,
      seed: 5,
      images: 40,
      sampling: { ...PLAIN, cfgScale: 2 },
      decoding: { method: 'sjd', window: 4, init: 'random', branches: 2 },
    });
    expect(result.statistics.branchSteps).toBeGreaterThan(0);
    const plain = await generate({
      provider,
      prompt: PROMPT,
      seed: 5,
      images: 2,
      decoding: { method: 'sjd', window: 4, init: 'random' },
    });
    expect(plain.statistics.branchSteps).toBe(0);
  });

  it('are refused with a typed error naming decoding.branches by a provider without adoptRows', async () => {
    const withoutAdopt = Object.assign(Object.create(provider), {
      openSession: async (options: Parameters<typeof provider.openSession>[0]) => {
        const session = await provider.openSession(options);
        return {
          rows: session.rows,
          get length() {
            return session.length;
          },
          evaluate: session.evaluate.bind(session),
          truncate: session.truncate.bind(session),
          dispose: session.dispose.bind(session),
        };
      },
    });
    const run = generate({
      provider: withoutAdopt,
      prompt: PROMPT,
      seed: 1,
      decoding: { method: 'sjd', window: 4, branches: 1 },
    });
    await expect(run).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(run).rejects.toMatchObject({ field: 'decoding.branches' });
  });
});
