import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.js';
import { referenceTarget } from '../testing/reference-target.js';
import { AllowedTokensLogitsProcessor } from './allowed-tokens-mask.js';
import { ClassifierFreeGuidanceLogitsProcessor } from './classifier-free-guidance.js';
import { probabilityOf } from './distribution.js';
import { composeSamplingChain, createSamplingChain, LogitsChain } from './logits-chain.js';
import { selectKthLargest } from './select-kth-largest.js';
import { softmaxDistribution } from './softmax-distribution.js';
import { TemperatureLogitsWarper } from './temperature-warper.js';
import { TopKLogitsWarper } from './top-k-warper.js';
import { TopPLogitsWarper } from './top-p-warper.js';

const NEG = Number.NEGATIVE_INFINITY;
const ctx = { position: 0 };

describe('ClassifierFreeGuidanceLogitsProcessor', () => {
  it('mixes uncond + s·(cond − uncond)', () => {
    const out = new Float32Array(2);
    new ClassifierFreeGuidanceLogitsProcessor(3).mix(
      Float32Array.of(1, 2),
      Float32Array.of(0, 4),
      out,
    );
    expect([...out]).toEqual([3, -2]);
  });
  it('scale 1 is the conditional row', () => {
    const out = new Float32Array(2);
    new ClassifierFreeGuidanceLogitsProcessor(1).mix(
      Float32Array.of(1, 2),
      Float32Array.of(7, 9),
      out,
    );
    expect([...out]).toEqual([1, 2]);
  });
  it('rejects rows of different lengths', () => {
    expect(() =>
      new ClassifierFreeGuidanceLogitsProcessor(2).mix(
        new Float32Array(3),
        new Float32Array(2),
        new Float32Array(3),
      ),
    ).toThrow(/differ in length/);
  });
});

describe('AllowedTokensLogitsProcessor', () => {
  it('blanks everything outside the allowed ranges', () => {
    const logits = Float32Array.of(1, 2, 3, 4, 5, 6);
    new AllowedTokensLogitsProcessor(() => [
      { start: 1, count: 2 },
      { start: 4, count: 1 },
    ]).process(logits, ctx);
    expect([...logits]).toEqual([NEG, 2, 3, NEG, 5, NEG]);
  });
});

describe('TemperatureLogitsWarper', () => {
  it('divides by the temperature', () => {
    const logits = Float32Array.of(1, -2, NEG);
    new TemperatureLogitsWarper(0.5).process(logits);
    expect([...logits]).toEqual([2, -4, NEG]);
  });
  it('temperature 0 keeps only the first maximum', () => {
    const logits = Float32Array.of(1, 5, 5, 2);
    new TemperatureLogitsWarper(0).process(logits);
    expect([...logits]).toEqual([NEG, 0, NEG, NEG]);
  });
});

describe('TopKLogitsWarper', () => {
  it('keeps the k largest', () => {
    const logits = Float32Array.of(3, 1, 4, 1, 5, 9, 2, 6);
    new TopKLogitsWarper(3).process(logits);
    expect([...logits]).toEqual([NEG, NEG, NEG, NEG, 5, 9, NEG, 6]);
  });
  it('keeps ties with the k-th value', () => {
    const logits = Float32Array.of(1, 2, 2, 0);
    new TopKLogitsWarper(2).process(logits);
    expect([...logits]).toEqual([NEG, 2, 2, NEG]);
  });
  it('k = 0 and k ≥ vocabulary are no-ops; already-masked tokens do not count', () => {
    const a = Float32Array.of(1, 2, 3);
    new TopKLogitsWarper(0).process(a);
    expect([...a]).toEqual([1, 2, 3]);
    const b = Float32Array.of(NEG, 2, 3, NEG);
    new TopKLogitsWarper(2).process(b);
    expect([...b]).toEqual([NEG, 2, 3, NEG]);
  });
  it('selectKthLargest agrees with a sort on random inputs, with duplicates', () => {
    const random = new SeededRandom(3);
    for (let trial = 0; trial < 300; trial++) {
      const n = random.int(1, 200);
      const values = Float32Array.from({ length: n }, () => random.int(0, 30));
      const k = random.int(1, n);
      const sorted = [...values].sort((a, b) => b - a);
      expect(selectKthLargest(values.slice(), n, k)).toBe(sorted[k - 1]);
    }
  });
});

describe('TopPLogitsWarper', () => {
  it('keeps the smallest nucleus reaching p', () => {
    // probabilities ∝ 8, 4, 2, 1, 1 → 0.5, 0.25, 0.125, 0.0625, 0.0625
    const logits = Float32Array.from([8, 4, 2, 1, 1].map(Math.log));
    new TopPLogitsWarper(0.7).process(logits);
    expect([...logits].map((v) => v !== NEG)).toEqual([true, true, false, false, false]);
  });
  it('always keeps the most probable token', () => {
    const logits = Float32Array.of(10, 0, 0);
    new TopPLogitsWarper(0.01).process(logits);
    expect([...logits]).toEqual([10, NEG, NEG]);
  });
});

describe('softmaxDistribution', () => {
  it('returns a sparse normalised distribution over finite logits', () => {
    const d = softmaxDistribution(Float32Array.of(NEG, 0, Math.log(3), NEG));
    expect([...d.ids]).toEqual([1, 2]);
    expect(d.probs[0]).toBeCloseTo(0.25, 6);
    expect(d.probs[1]).toBeCloseTo(0.75, 6);
  });
});

describe('the sampling chain equals the plain reference implementation', () => {
  it('fused and composed, on random logits, settings and positions (one chain reused, so top-k cuts adapt)', () => {
    const random = new SeededRandom(9);
    const vocab = 300;
    const layout = {
      gridWidth: 4,
      gridHeight: 4,
      imageTokens: { start: 20, count: 260 },
      endOfRowToken: null,
    };
    for (const settings of [
      { temperature: 1, topK: 50, topP: 1, cfgScale: 3 },
      { temperature: 0.8, topK: 120, topP: 0.9, cfgScale: 1 },
      { temperature: 1.3, topK: 7, topP: 0.5, cfgScale: 2 },
      { temperature: 1, topK: 0, topP: 0.8, cfgScale: 1.5 },
    ]) {
      const fused = createSamplingChain(layout, vocab, settings);
      const composed = composeSamplingChain(layout, vocab, settings);
      for (let trial = 0; trial < 150; trial++) {
        // Scales and offsets jump between positions, so the remembered cut sometimes misses.
        const spread = [0.5, 2, 8, 30][random.int(0, 3)]!;
        const offset = random.float() * 40 - 20;
        const rows = [0, 1].map(() =>
          Float32Array.from({ length: vocab * 3 }, () => offset + (random.float() - 0.5) * spread),
        );
        const index = random.int(0, 2);
        const cond = rows[0]!.subarray(index * vocab, (index + 1) * vocab);
        const uncond = rows[1]!.subarray(index * vocab, (index + 1) * vocab);
        const want = referenceTarget(
          cond,
          settings.cfgScale === 1 ? null : uncond,
          [layout.imageTokens],
          settings,
        );
        for (const chain of [fused, composed]) {
          const got = chain.distributionAt(settings.cfgScale === 1 ? [rows[0]!] : rows, index, 0);
          expect([...got.ids]).toEqual([...want.keys()].sort((a, b) => a - b));
          for (const [id, p] of want) expect(probabilityOf(got, id)).toBeCloseTo(p, 5);
        }
      }
    }
  });

  it('on random logits and random settings', () => {
    const random = new SeededRandom(42);
    const vocab = 40;
    const layout = {
      gridWidth: 2,
      gridHeight: 2,
      imageTokens: { start: 5, count: 30 },
      endOfRowToken: null,
    };
    for (let trial = 0; trial < 400; trial++) {
      const settings = {
        temperature: [0, 0.3, 0.7, 1, 1.5][random.int(0, 4)]!,
        topK: [0, 1, 3, 10, 29, 50][random.int(0, 5)]!,
        topP: [1, 0.95, 0.6, 0.2][random.int(0, 3)]!,
        cfgScale: [1, 0, 2.5, -1][random.int(0, 3)]!,
      };
      const cond = Float32Array.from({ length: vocab }, () => random.float() * 8 - 4);
      const uncond = Float32Array.from({ length: vocab }, () => random.float() * 8 - 4);
      const chain = createSamplingChain(layout, vocab, settings);
      const rows = settings.cfgScale === 1 ? [cond] : [cond, uncond];
      const got = chain.distributionAt(rows, 0, 0);
      const want = referenceTarget(
        cond,
        settings.cfgScale === 1 ? null : uncond,
        [layout.imageTokens],
        settings,
      );
      expect([...got.ids]).toEqual([...want.keys()].sort((a, b) => a - b));
      for (const [id, p] of want) expect(probabilityOf(got, id)).toBeCloseTo(p, 5);
    }
  });

  it('reads the block position asked for and reports NaN logits as a contract error', () => {
    const chain = new LogitsChain({ vocabSize: 2, processors: [] });
    const rows = [Float32Array.of(0, 100, 100, 0)];
    expect([...chain.distributionAt(rows, 1, 0).ids]).toEqual([0, 1]);
    expect(chain.distributionAt(rows, 1, 0).probs[0]).toBeCloseTo(1, 9);
    expect(() => chain.distributionAt([Float32Array.of(Number.NaN, Number.NaN)], 0, 0)).toThrow(
      /contract/,
    );
    const layout = {
      gridWidth: 1,
      gridHeight: 1,
      imageTokens: { start: 0, count: 3 },
      endOfRowToken: null,
    };
    const fused = createSamplingChain(layout, 3, { temperature: 1, topK: 0, topP: 1, cfgScale: 1 });
    expect(() => fused.distributionAt([Float32Array.of(0, Number.NaN, 1)], 0, 0)).toThrow(
      /contract/,
    );
    expect(() => fused.distributionAt([Float32Array.of(NEG, NEG, NEG)], 0, 0)).toThrow(/contract/);
  });
});
