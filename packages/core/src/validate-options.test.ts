import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors/invalid-argument-error.js';
import { generate } from './generate.js';
import type { GenerateOptions } from './generation-options.js';
import { hashedLogits } from './testing/hashed-logits.js';
import { RecordingLogitsProvider } from './testing/recording-logits-provider.js';
import { ToyLogitsProvider } from './testing/toy-logits-provider.js';

const provider = () =>
  new RecordingLogitsProvider(
    new ToyLogitsProvider({
      vocabSize: 10,
      layout: {
        gridWidth: 2,
        gridHeight: 2,
        imageTokens: { start: 2, count: 8 },
        endOfRowToken: null,
      },
      logits: hashedLogits({ salt: 1, scale: 1 }),
    }),
  );

const cases: [string, Partial<GenerateOptions> & Record<string, unknown>, string, RegExp][] = [
  ['window 0', { decoding: { window: 0 } }, 'decoding.window', /integer in \[1, 1024\]/],
  ['branches 16', { decoding: { branches: 16 } }, 'decoding.branches', /integer in \[0, 15\]/],
  ['branches −1', { decoding: { branches: -1 } }, 'decoding.branches', /integer in \[0, 15\]/],
  ['branches 1.5', { decoding: { branches: 1.5 } }, 'decoding.branches', /integer/],
  [
    'branches with ar',
    { decoding: { method: 'ar', branches: 2 } },
    'decoding.branches',
    /unless decoding.method is sjd/,
  ],
  ['window 2.5', { decoding: { window: 2.5 } }, 'decoding.window', /integer/],
  ['window NaN', { decoding: { window: Number.NaN } }, 'decoding.window', /integer/],
  ['top-k −1', { sampling: { topK: -1 } }, 'sampling.topK', /integer ≥ 0/],
  ['top-k 1.5', { sampling: { topK: 1.5 } }, 'sampling.topK', /integer ≥ 0/],
  ['top-p 0', { sampling: { topP: 0 } }, 'sampling.topP', /\(0, 1\]/],
  ['top-p 1.2', { sampling: { topP: 1.2 } }, 'sampling.topP', /\(0, 1\]/],
  ['top-p NaN', { sampling: { topP: Number.NaN } }, 'sampling.topP', /\(0, 1\]/],
  ['temperature −0.1', { sampling: { temperature: -0.1 } }, 'sampling.temperature', /≥ 0/],
  ['temperature NaN', { sampling: { temperature: Number.NaN } }, 'sampling.temperature', /finite/],
  [
    'temperature Infinity',
    { sampling: { temperature: Number.POSITIVE_INFINITY } },
    'sampling.temperature',
    /finite/,
  ],
  [
    'cfg Infinity',
    { sampling: { cfgScale: Number.POSITIVE_INFINITY } },
    'sampling.cfgScale',
    /finite/,
  ],
  [
    'cfg NaN',
    { sampling: { cfgScale: Number.NaN }, unconditionalPrompt: [0] },
    'sampling.cfgScale',
    /finite/,
  ],
  [
    'temperature 1e-300 (overflows the logits)',
    { sampling: { temperature: 1e-300 } },
    'sampling.temperature',
    /0 \(greedy\) or at least 0\.000001/,
  ],
  ['cfg 1e38', { sampling: { cfgScale: 1e38 } }, 'sampling.cfgScale', /\[-1000, 1000\]/],
  ['cfg −1e308', { sampling: { cfgScale: -1e308 } }, 'sampling.cfgScale', /\[-1000, 1000\]/],
  [
    'cfg without unconditional prompt',
    { sampling: { cfgScale: 2 } },
    'unconditionalPrompt',
    /cfgScale/,
  ],
  ['seed 1.5', { seed: 1.5 }, 'seed', /safe integer/],
  ['seed 2^60', { seed: 2 ** 60 }, 'seed', /safe integer/],
  ['empty prompt', { prompt: [] }, 'prompt', /at least one/],
  ['prompt id beyond vocabulary', { prompt: [0, 10] }, 'prompt[1]', /\[0, 9\]/],
  ['negative prompt id', { prompt: [-1] }, 'prompt[0]', /\[0, 9\]/],
  [
    'unconditional id beyond vocabulary',
    { sampling: { cfgScale: 2 }, unconditionalPrompt: [99] },
    'unconditionalPrompt[0]',
    /\[0, 9\]/,
  ],
  [
    'unknown method',
    { decoding: { method: 'beam' as never } },
    'decoding.method',
    /ar \| jacobi \| sjd/,
  ],
  [
    'unknown init',
    { decoding: { init: 'diagonal' as never } },
    'decoding.init',
    /random \| horizontal \| vertical/,
  ],
  [
    'unknown redraft',
    { decoding: { redraft: 'maybe' as never } },
    'decoding.redraft',
    /independent \| coupled/,
  ],
  [
    'maxWindow 0',
    { decoding: { window: 'auto', maxWindow: 0 } },
    'decoding.maxWindow',
    /\[1, 1024\]/,
  ],
  [
    'auto window for jacobi',
    { decoding: { method: 'jacobi', window: 'auto' } },
    'decoding.window',
    /\[1, 1024\]/,
  ],
  ['images 0', { images: 0 }, 'images', /\[1, 1000\]/],
  ['no provider', { provider: undefined as never }, 'provider', /LogitsProvider/],
];

describe('prompt ids', () => {
  it('may use a prompt vocabulary larger than the sampled one when the provider states it', async () => {
    const inner = provider();
    const wide = Object.assign(Object.create(inner), { promptVocabSize: 50 }) as typeof inner;
    const result = await generate({ provider: wide, prompt: [42, 1], seed: 1 });
    expect(result.images[0]!.tokens.length).toBe(4);
    expect(inner.calls[0]).toEqual({ kind: 'open', prefixes: [[42]] });
    const error = await generate({ provider: wide, prompt: [50] }).catch((e) => e);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/\[0, 49\]/);
  });
});

describe('validation at the public boundary', () => {
  it.each(cases)('%s → InvalidArgumentError on %s', async (_name, patch, field, allowed) => {
    const p = provider();
    const error = await generate({
      provider: p,
      prompt: [0, 1],
      ...patch,
    } as GenerateOptions).catch((e) => e);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(allowed);
    expect(error.message).toContain(field);
    expect(p.calls).toEqual([]); // nothing started
  });
});
