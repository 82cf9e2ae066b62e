import { describe, expect, it } from 'vitest';
import { compareQuality, poolSamples, wilsonInterval } from './quality-comparison.js';

const holds = (k: number, n: number) => Array.from({ length: n }, (_, i) => i < k);

describe('quality comparison', () => {
  it('Wilson interval: known values, never outside 0..1', () => {
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(10, 10)[1]).toBeCloseTo(1, 12);
    expect(wilsonInterval(10, 10)[1]).toBeLessThanOrEqual(1);
    expect(wilsonInterval(0, 10)[0]).toBeGreaterThanOrEqual(0);
    expect(wilsonInterval(0, 10)[0]).toBeCloseTo(0, 12);
  });

  it('adherence difference and its two-proportion standard error', () => {
    const c = compareQuality(
      { holds: holds(90, 100), diversityByCaption: [1] },
      { holds: holds(95, 100), diversityByCaption: [1] },
    );
    expect(c.adherenceDifference.value).toBeCloseTo(-0.05, 12);
    expect(c.adherenceDifference.standardError).toBeCloseTo(
      Math.sqrt((0.9 * 0.1) / 100 + (0.95 * 0.05) / 100),
      12,
    );
  });

  it('diversity: paired per caption, relative to the baseline; a collapse is many standard errors', () => {
    const baseline = { holds: holds(1, 1), diversityByCaption: [0.1, 0.2, 0.3, 0.2, 0.1, 0.3] };
    const same = compareQuality(
      { holds: holds(1, 1), diversityByCaption: [0.11, 0.19, 0.31, 0.2, 0.09, 0.3] },
      baseline,
    );
    expect(Math.abs(same.diversityDifference.value)).toBeLessThan(0.02);
    const collapsed = compareQuality(
      { holds: holds(1, 1), diversityByCaption: [0.01, 0.0, 0.02, 0.01, 0.0, 0.0] },
      baseline,
    );
    expect(collapsed.diversityDifference.value).toBeLessThan(-0.9);
    expect(collapsed.diversityDifference.z).toBeGreaterThan(5);
  });

  it('pools images and per-caption diversities of methods with the same distribution', () => {
    const pooled = poolSamples([
      { holds: holds(1, 2), diversityByCaption: [0.1, 0.3] },
      { holds: holds(2, 2), diversityByCaption: [0.3, 0.1] },
    ]);
    expect(pooled.holds.filter(Boolean).length).toBe(3);
    expect(pooled.diversityByCaption).toEqual([0.2, 0.2]);
  });
});
