import { describe, expect, it } from 'vitest';
import { defaultRelativeCost } from '../decoders/adaptive-window.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { generate } from '../generate.js';
import { hashedLogits } from '../testing/hashed-logits.js';
import { RecordingLogitsProvider } from '../testing/recording-logits-provider.js';
import { ToyLogitsProvider } from '../testing/toy-logits-provider.js';
import {
  CALIBRATION_BLOCK_LENGTHS,
  CostProfile,
  checkCostPoints,
  measureCostProfile,
} from './cost-profile.js';

describe('CostProfile', () => {
  it('is the default guess until measured', () => {
    const profile = new CostProfile();
    expect(profile.measured).toBe(false);
    for (const n of [1, 7, 64]) expect(profile.relativeCost(n)).toBe(defaultRelativeCost(n));
  });

  it('interpolates between measured lengths and extrapolates from the last two', () => {
    const profile = new CostProfile([
      { blockLength: 4, ms: 12 },
      { blockLength: 1, ms: 10 },
      { blockLength: 8, ms: 20 },
    ]);
    expect(profile.measured).toBe(true);
    expect(profile.relativeCost(1)).toBe(1);
    expect(profile.relativeCost(4)).toBeCloseTo(1.2, 12);
    expect(profile.relativeCost(2)).toBeCloseTo((10 + (1 / 3) * 2) / 10, 12);
    expect(profile.relativeCost(6)).toBeCloseTo(1.6, 12);
    expect(profile.relativeCost(12)).toBeCloseTo(2.8, 12);
  });
});

describe('measureCostProfile', () => {
  it('times two-row blocks of every length after a mid-image prefix, never dipping, and leaves no session open', async () => {
    const layout = {
      gridWidth: 4,
      gridHeight: 4,
      imageTokens: { start: 10, count: 20 },
      endOfRowToken: null,
    };
    const provider = new RecordingLogitsProvider(
      new ToyLogitsProvider({ vocabSize: 30, layout, logits: hashedLogits({ salt: 1, scale: 2 }) }),
    );
    const manifest = { prompt: { captionLength: 5 }, vocabulary: { special: { pad: 0 } } };
    const profile = await measureCostProfile(provider, manifest);
    expect(profile.points.map((p) => p.blockLength)).toEqual(CALIBRATION_BLOCK_LENGTHS);
    for (let i = 1; i < profile.points.length; i++) {
      expect(profile.points[i]!.ms).toBeGreaterThanOrEqual(profile.points[i - 1]!.ms);
    }
    const open = provider.calls[0]!;
    if (open.kind !== 'open') throw new Error('expected open first');
    expect(open.prefixes).toHaveLength(2);
    expect(open.prefixes[0]).toEqual([0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10]);
    const evaluations = provider.calls.filter((c) => c.kind === 'evaluate');
    expect(evaluations).toHaveLength(6 * CALIBRATION_BLOCK_LENGTHS.length);
    const truncations = provider.calls.filter((c) => c.kind === 'truncate');
    expect(new Set(truncations.map((c) => (c.kind === 'truncate' ? c.length : -1)))).toEqual(
      new Set([14]),
    );
    expect(provider.calls.at(-1)!.kind).toBe('dispose');
    expect(provider.openSessions).toBe(0);
  });
});

describe('checkCostPoints', () => {
  it('accepts a saved profile and names the bad point otherwise', () => {
    const points = [
      { blockLength: 1, ms: 2 },
      { blockLength: 16, ms: 3 },
    ];
    expect(checkCostPoints(points)).toEqual(points);
    for (const [bad, field] of [
      [[], 'costProfile'],
      [{ points }, 'costProfile'],
      [[{ blockLength: 0, ms: 1 }], 'costProfile[0]'],
      [
        [
          { blockLength: 1, ms: 1 },
          { blockLength: 1, ms: 2 },
        ],
        'costProfile[1]',
      ],
      [[{ blockLength: 2, ms: Number.NaN }], 'costProfile[0]'],
      [[{ blockLength: 2, ms: -1 }], 'costProfile[0]'],
    ] as const) {
      const error = (() => {
        try {
          checkCostPoints(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(InvalidArgumentError.isInstance(error), JSON.stringify(bad)).toBe(true);
      expect((error as InvalidArgumentError).field).toBe(field);
    }
  });
});

describe('the automatic window with a fixed cost profile', () => {
  it('gives a seed the same tokens every time, and reports the windows it chose', async () => {
    const run = (points: { blockLength: number; ms: number }[]) => {
      const inner = new ToyLogitsProvider({
        vocabSize: 20,
        layout: {
          gridWidth: 8,
          gridHeight: 8,
          imageTokens: { start: 2, count: 16 },
          endOfRowToken: null,
        },
        logits: hashedLogits({ salt: 3, scale: 4 }),
      });
      const profile = new CostProfile(points);
      const provider = Object.assign(Object.create(inner), {
        relativeCost: (n: number) => profile.relativeCost(n),
      }) as typeof inner;
      return generate({ provider, prompt: [0, 1], seed: 11, decoding: { window: 'auto' } });
    };
    const flat = [
      { blockLength: 1, ms: 1 },
      { blockLength: 128, ms: 1 },
    ];
    const steep = [
      { blockLength: 1, ms: 1 },
      { blockLength: 128, ms: 400 },
    ];
    const [a, b, c] = await Promise.all([run(flat), run(flat), run(steep)]);
    expect([...a.images[0]!.tokens]).toEqual([...b.images[0]!.tokens]);
    expect(a.statistics.windowSteps).toEqual(b.statistics.windowSteps);
    const steps = (s: typeof a.statistics) => s.windowSteps.reduce((n, [, k]) => n + k, 0);
    expect(steps(a.statistics)).toBe(a.statistics.steps);
    // Costlier long blocks make it choose shorter windows.
    const longest = (s: typeof a.statistics) => Math.max(...s.windowSteps.map(([w]) => w));
    expect(longest(c.statistics)).toBeLessThan(longest(a.statistics));
  });
});
