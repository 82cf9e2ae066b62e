import {
  type ChainSettings,
  type DecodingSettings,
  generate,
  type LogitsProvider,
} from '@sjd/core';
import { chiSquareGoodnessOfFit, referenceTarget } from '@sjd/core/testing';
import { janusFixturePath } from '@sjd/janus-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadJanusModel } from './load-janus-model.js';

// Exactness through the Janus provider: on the janus-enum fixture (3 image codes on a 2×2
// grid: 81 sequences) the exact distribution of whole images under vanilla sampling is
// enumerated from the provider's own logits with the core's plain reference chain, and
// SJD's samples are held against it by chi-square. Fixed seeds: every run is identical.
let model: Awaited<ReturnType<typeof loadJanusModel>>;
let prompts: ReturnType<typeof model.encodePrompt>;

beforeAll(async () => {
  model = await loadJanusModel(janusFixturePath('janus-enum'));
  prompts = model.encodePrompt('a cat');
});
afterAll(async () => {
  await model?.release();
});

async function enumerate(
  provider: LogitsProvider,
  prompt: Int32Array,
  unconditional: Int32Array,
  settings: ChainSettings,
): Promise<Map<string, number>> {
  const length = provider.layout.gridWidth * provider.layout.gridHeight;
  const result = new Map<string, number>();
  const visit = async (prefix: number[], probability: number): Promise<void> => {
    if (prefix.length === length) {
      result.set(prefix.join(','), probability);
      return;
    }
    const session = await provider.openSession({
      prefixes: [prompt.slice(0, -1), unconditional.slice(0, -1)],
    });
    const logits = await session.evaluate([
      Int32Array.of(prompt.at(-1)!, ...prefix),
      Int32Array.of(unconditional.at(-1)!, ...prefix),
    ]);
    await session.dispose();
    const at = prefix.length * provider.vocabSize;
    const target = referenceTarget(
      logits[0]!.slice(at, at + provider.vocabSize),
      logits[1]!.slice(at, at + provider.vocabSize),
      [provider.layout.imageTokens],
      settings,
    );
    for (const [token, p] of target) if (p > 0) await visit([...prefix, token], probability * p);
  };
  await visit([], 1);
  return result;
}

async function sample(
  settings: ChainSettings,
  decoding: DecodingSettings,
  count: number,
  seed: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let done = 0; done < count; done += 1000) {
    const result = await generate({
      provider: model,
      prompt: prompts.prompt,
      unconditionalPrompt: prompts.unconditionalPrompt,
      images: Math.min(1000, count - done),
      seed: seed + done,
      sampling: settings,
      decoding,
    });
    for (const image of result.images) {
      const key = [...image.tokens].join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

const SAMPLES = 4000;
const cfg: ChainSettings = { temperature: 1, topK: 0, topP: 1, cfgScale: 3 };

describe('SJD through the Janus provider samples the exact distribution (janus-enum)', () => {
  let exact: Map<string, number>;
  beforeAll(async () => {
    exact = await enumerate(model, prompts.prompt, prompts.unconditionalPrompt, cfg);
  });

  it('enumerates a distribution over all 81 images that is far from uniform', () => {
    expect(exact.size).toBe(81);
    const total = [...exact.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 9);
    expect(Math.max(...exact.values())).toBeGreaterThan(3 / 81);
  });

  it.each([
    { method: 'sjd', window: 2, init: 'random' },
    { method: 'sjd', window: 4, init: 'random' },
    { method: 'sjd', window: 4 }, // the default init: drafts carry the distribution above them
    { method: 'sjd', window: 3, init: 'random', redraft: 'coupled' },
    { method: 'ar' },
  ] as DecodingSettings[])(
    '%o fits by chi-square (CFG 3, both rows in one batch)',
    async (decoding) => {
      const observed = await sample(cfg, decoding, SAMPLES, 11);
      const fit = chiSquareGoodnessOfFit(observed, exact);
      expect(fit.impossible).toBe(0);
      expect(fit.pValue).toBeGreaterThan(1e-3);
    },
  );

  it('negative control: the same test rejects samples drawn without CFG', async () => {
    const observed = await sample(
      { ...cfg, cfgScale: 1 },
      { method: 'sjd', window: 4, init: 'random' },
      SAMPLES,
      11,
    );
    expect(chiSquareGoodnessOfFit(observed, exact).pValue).toBeLessThan(1e-6);
  });
});

describe('the same under another processing chain (temperature 0.7, top-k 2, top-p 0.9, CFG 1.5)', () => {
  const chain: ChainSettings = { temperature: 0.7, topK: 2, topP: 0.9, cfgScale: 1.5 };
  it('SJD (window 3, random init) fits the enumerated distribution', async () => {
    const exact = await enumerate(model, prompts.prompt, prompts.unconditionalPrompt, chain);
    expect(exact.size).toBeLessThan(81); // top-k and top-p cut some images out entirely
    const observed = await sample(chain, { method: 'sjd', window: 3, init: 'random' }, SAMPLES, 29);
    const fit = chiSquareGoodnessOfFit(observed, exact);
    expect(fit.impossible).toBe(0);
    expect(fit.pValue).toBeGreaterThan(1e-3);
  });
});
