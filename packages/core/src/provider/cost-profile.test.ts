import { describe, expect, it } from 'vitest';
import { defaultRelativeCost } from '../decoders/adaptive-window.js';
import { hashedLogits } from '../testing/hashed-logits.js';
import { RecordingLogitsProvider } from '../testing/recording-logits-provider.js';
import { ToyLogitsProvider } from '../testing/toy-logits-provider.js';
import { CALIBRATION_BLOCK_LENGTHS, CostProfile, measureCostProfile } from './cost-profile.js';

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
