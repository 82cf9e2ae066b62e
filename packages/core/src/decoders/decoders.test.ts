import { describe, expect, it } from 'vitest';
import { ProviderContractError } from '../errors/provider-contract-error.js';
import { generate, generateStream } from '../generate.js';
import type { ImageLayout } from '../provider/image-layout.js';
import type { LogitsProvider } from '../provider/logits-provider.js';
import { hashedLogits, oracleLogits } from '../testing/hashed-logits.js';
import { RecordingLogitsProvider } from '../testing/recording-logits-provider.js';
import { ToyLogitsProvider } from '../testing/toy-logits-provider.js';

// Vocabulary 20: 0 bos, 1 boi, 2–17 image tokens, 18 a word, 19 end-of-row.
const LAYOUT: ImageLayout = {
  gridWidth: 6,
  gridHeight: 5,
  imageTokens: { start: 2, count: 16 },
  endOfRowToken: null,
};
const EOL_LAYOUT: ImageLayout = { ...LAYOUT, endOfRowToken: 19 };
const PROMPT = [0, 18, 1];
const UNCOND = [0, 1];

const toy = (layout = LAYOUT, scale = 3) =>
  new ToyLogitsProvider({ vocabSize: 20, layout, logits: hashedLogits({ salt: 5, scale }) });

const tokensOf = async (
  provider: LogitsProvider,
  decoding: object,
  sampling: object = {},
  seed = 1,
) =>
  (
    await generate({
      provider,
      prompt: PROMPT,
      unconditionalPrompt: UNCOND,
      seed,
      sampling,
      decoding,
    })
  ).images[0]!.tokens;

describe('greedy: SJD, Jacobi and vanilla AR give identical tokens at temperature 0', () => {
  for (const layout of [LAYOUT, EOL_LAYOUT]) {
    for (const cfgScale of [1, 3]) {
      it(`${layout.endOfRowToken === null ? 'plain grid' : 'end-of-row grid'}, cfg ${cfgScale}`, async () => {
        const greedy = { temperature: 0, cfgScale };
        const reference = await tokensOf(toy(layout), { method: 'ar' }, greedy);
        for (const window of [1, 3, 8, 40]) {
          for (const init of ['random', 'horizontal', 'vertical'] as const) {
            expect(
              await tokensOf(toy(layout), { method: 'sjd', window, init }, greedy, window),
            ).toEqual(reference);
            expect(
              await tokensOf(
                toy(layout),
                { method: 'jacobi', window, init },
                { cfgScale },
                window + 7,
              ),
            ).toEqual(reference);
          }
        }
      });
    }
  }
});

describe('drafts that are always right', () => {
  it('reach close to window + 1 tokens per step (the model repeats one token; drafts copy the token above)', async () => {
    const layout: ImageLayout = {
      gridWidth: 16,
      gridHeight: 16,
      imageTokens: { start: 2, count: 16 },
      endOfRowToken: null,
    };
    const provider = new ToyLogitsProvider({
      vocabSize: 20,
      layout,
      logits: oracleLogits({ promptLength: PROMPT.length, tokenAt: () => 9, margin: 60 }),
    });
    for (const window of [4, 16]) {
      const result = await generate({
        provider,
        prompt: PROMPT,
        seed: 3,
        decoding: { method: 'sjd', window, init: 'vertical' },
      });
      // The first step may miss (nothing to copy yet); after it every draft is right.
      expect(result.statistics.stepCompression).toBeGreaterThan(0.9 * (window + 1));
      expect(
        result.statistics.acceptanceByPosition.slice(0, window).every((a) => a !== null && a > 0.9),
      ).toBe(true);
    }
  });
});

describe('reproducibility', () => {
  it('the same seed and settings give the same tokens; another seed differs', async () => {
    const decoding = { method: 'sjd', window: 8, init: 'vertical' } as const;
    const a = await tokensOf(toy(), decoding, { cfgScale: 2 }, 123);
    const b = await tokensOf(toy(), decoding, { cfgScale: 2 }, 123);
    const c = await tokensOf(toy(), decoding, { cfgScale: 2 }, 124);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('reports the effective seed, also when none was given', async () => {
    const given = await generate({ provider: toy(), prompt: PROMPT, seed: 77 });
    expect(given.seed).toBe(77);
    const chosen = await generate({ provider: toy(), prompt: PROMPT });
    const again = await generate({ provider: toy(), prompt: PROMPT, seed: chosen.seed });
    expect(again.images[0]!.tokens).toEqual(chosen.images[0]!.tokens);
  });

  it('seeds beyond 32 bits are distinct', async () => {
    const a = await tokensOf(toy(), { method: 'ar' }, {}, 2 ** 40 + 5);
    const b = await tokensOf(toy(), { method: 'ar' }, {}, 5);
    expect(a).not.toEqual(b);
  });
});

describe('the stream and the provider session', () => {
  it('emits start, one block per step covering every position in order, image-done, done', async () => {
    const events = [];
    for await (const e of generateStream({ provider: toy(), prompt: PROMPT, seed: 4, images: 2 }))
      events.push(e);
    expect(events[0]!.type).toBe('generation-start');
    expect(events.at(-1)!.type).toBe('generation-done');
    for (const image of [0, 1]) {
      const blocks = events.filter((e) => e.type === 'token-block' && e.image === image);
      let next = 0;
      for (const b of blocks) {
        if (b.type !== 'token-block') continue;
        expect(b.start).toBe(next);
        expect(b.tokens.length).toBeGreaterThanOrEqual(1);
        next += b.tokens.length;
      }
      expect(next).toBe(30);
    }
  });

  it('keeps only committed tokens in the session (pending token excluded) and disposes it', async () => {
    const provider = new RecordingLogitsProvider(toy());
    let sessionLength = PROMPT.length - 1;
    for await (const e of generateStream({
      provider,
      prompt: PROMPT,
      seed: 9,
      decoding: { window: 5 },
    })) {
      if (e.type === 'token-block')
        sessionLength = PROMPT.length - 1 + e.start + e.tokens.length - 1;
    }
    const truncations = provider.calls.filter((c) => c.kind === 'truncate');
    expect(truncations.length).toBeGreaterThan(0);
    // Every evaluate is preceded by the session holding exactly the committed prefix.
    expect(provider.calls.at(-1)).toEqual({ kind: 'dispose' });
    expect(provider.openSessions).toBe(0);
    expect(sessionLength).toBe(PROMPT.length - 1 + 30 - 1);
  });

  it('opens each CFG row on its own prompt and feeds each its own last prompt token', async () => {
    const provider = new RecordingLogitsProvider(toy());
    const unconditional = [0, 18, 18, 19];
    await generate({
      provider,
      prompt: PROMPT,
      unconditionalPrompt: unconditional,
      seed: 3,
      sampling: { cfgScale: 3 },
      decoding: { window: 4 },
    });
    expect(provider.calls[0]).toEqual({
      kind: 'open',
      prefixes: [PROMPT.slice(0, -1), unconditional.slice(0, -1)],
    });
    const evaluations = provider.calls.filter((c) => c.kind === 'evaluate');
    expect(evaluations[0]!.blocks.map((b) => b[0])).toEqual([PROMPT.at(-1), unconditional.at(-1)]);
    // From the first image token on, both rows are fed the same committed tokens.
    for (const e of evaluations.slice(1)) expect(e.blocks[1]![0]).toBe(e.blocks[0]![0]);
  });

  it('classifier-free guidance acts on one-token prompts (each row keeps its only token)', async () => {
    const greedy = (cfgScale: number) =>
      generate({
        provider: toy(),
        prompt: [0],
        unconditionalPrompt: [1],
        seed: 1,
        sampling: { temperature: 0, cfgScale },
        decoding: { method: 'ar' },
      }).then((r) => [...r.images[0]!.tokens]);
    // Fed the conditional prompt's token, the unconditional row would equal the conditional
    // one and any guidance scale would give the unguided tokens.
    expect(await greedy(8)).not.toEqual(await greedy(1));
  });

  it('gives every row a block array of its own', async () => {
    const inner = toy();
    const seen: Int32Array[][] = [];
    const provider: LogitsProvider = {
      specificationVersion: 'v1',
      providerId: 'block-identity',
      vocabSize: inner.vocabSize,
      layout: inner.layout,
      async openSession(options) {
        const s = await inner.openSession(options);
        return {
          rows: s.rows,
          get length() {
            return s.length;
          },
          evaluate: (blocks) => {
            seen.push([...blocks]);
            return s.evaluate(blocks);
          },
          truncate: (n) => s.truncate(n),
          dispose: () => s.dispose(),
        };
      },
    };
    await generate({
      provider,
      prompt: PROMPT,
      unconditionalPrompt: UNCOND,
      sampling: { cfgScale: 2 },
    });
    expect(seen.length).toBeGreaterThan(0);
    for (const blocks of seen) expect(blocks[0]).not.toBe(blocks[1]);
  });

  it('cancels within one step and releases the session', async () => {
    const provider = new RecordingLogitsProvider(toy());
    const controller = new AbortController();
    let blocks = 0;
    await expect(async () => {
      for await (const e of generateStream({
        provider,
        prompt: PROMPT,
        seed: 1,
        signal: controller.signal,
        decoding: { method: 'ar' },
      })) {
        if (e.type === 'token-block' && ++blocks === 3) controller.abort();
      }
    }).rejects.toThrow(/abort/i);
    expect(blocks).toBe(3);
    expect(provider.calls.filter((c) => c.kind === 'evaluate').length).toBe(3);
    expect(provider.openSessions).toBe(0);
  });

  it('an aborted signal stops before the provider is touched', async () => {
    const provider = new RecordingLogitsProvider(toy());
    await expect(
      generate({ provider, prompt: PROMPT, signal: AbortSignal.abort() }),
    ).rejects.toThrow(/abort/i);
    expect(provider.calls).toEqual([]);
  });

  it('propagates provider errors unchanged and releases the session', async () => {
    const failure = new Error('GPU on fire');
    const provider = new RecordingLogitsProvider(toy(), { failOnEvaluate: 2, error: failure });
    await expect(generate({ provider, prompt: PROMPT })).rejects.toBe(failure);
    expect(provider.openSessions).toBe(0);
  });

  it('rejects logits of the wrong size with a contract error', async () => {
    const inner = toy();
    const broken: LogitsProvider = {
      ...inner,
      specificationVersion: 'v1',
      providerId: 'broken',
      vocabSize: inner.vocabSize,
      layout: inner.layout,
      async openSession(options) {
        const s = await inner.openSession(options);
        return {
          rows: s.rows,
          length: s.length,
          evaluate: async () => [new Float32Array(7)],
          truncate: (n) => s.truncate(n),
          dispose: () => s.dispose(),
        };
      },
    };
    const error = await generate({ provider: broken, prompt: PROMPT }).catch((e) => e);
    expect(ProviderContractError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/expected Float32Array of 17 × 20 = 340, got 7/);
  });

  it('reports statistics that add up', async () => {
    const { statistics } = await generate({
      provider: toy(),
      prompt: PROMPT,
      seed: 2,
      decoding: { window: 6 },
    });
    expect(statistics.tokens).toBe(30);
    expect(statistics.stepCompression).toBeCloseTo(30 / statistics.steps, 12);
    expect(statistics.acceptanceByPosition.length).toBeLessThanOrEqual(6);
    expect(statistics.providerMs).toBeGreaterThan(0);
    expect(statistics.totalMs).toBeGreaterThanOrEqual(statistics.providerMs);
  });

  it('warns that Jacobi ignores sampling settings', async () => {
    const result = await generate({
      provider: toy(),
      prompt: PROMPT,
      decoding: { method: 'jacobi' },
    });
    expect(result.warnings[0]).toMatch(/greedy/);
  });
});

describe('proactive branches: rows and cache bookkeeping', () => {
  it('open 1 + B copies of the CFG rows, feed each branch its own first token, adopt group by group', async () => {
    const provider = new RecordingLogitsProvider(toy());
    const result = await generate({
      provider,
      prompt: PROMPT,
      unconditionalPrompt: UNCOND,
      seed: 4,
      sampling: { cfgScale: 2 },
      decoding: { method: 'sjd', window: 4, init: 'random', branches: 2 },
    });
    const open = provider.calls.find((c) => c.kind === 'open')!;
    expect(open.kind === 'open' && open.prefixes).toEqual([
      [0, 18],
      [0],
      [0, 18],
      [0],
      [0, 18],
      [0],
    ]);
    let branched = 0;
    for (const call of provider.calls) {
      if (call.kind === 'evaluate') {
        expect(call.blocks).toHaveLength(6);
        const [main, , b1, , b2] = call.blocks;
        // Every group shares the pending token and the drafts after the first.
        for (const block of [b1!, b2!]) {
          expect(block[0]).toBe(main![0]);
          expect(block.slice(2)).toEqual(main!.slice(2));
        }
        if (b1![1] !== main![1]) branched++;
      }
      if (call.kind === 'adopt') {
        const g = call.source[0]! >> 1;
        expect(call.source).toEqual([2 * g, 2 * g + 1, 2 * g, 2 * g + 1, 2 * g, 2 * g + 1]);
      }
    }
    expect(branched).toBeGreaterThan(0);
    expect(provider.calls.some((c) => c.kind === 'adopt' && c.source[0] !== 0)).toBe(
      result.statistics.branchSteps > 0,
    );
    expect(result.statistics.branchSteps).toBeGreaterThan(0);
  });
});
