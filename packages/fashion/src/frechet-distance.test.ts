import { describe, expect, it } from 'vitest';
import { bootstrapFrechet, featureStats, frechetDistance } from './frechet-distance.js';

const stats = (mean: number[], covariance: number[]) => ({
  mean: Float64Array.from(mean),
  covariance: Float64Array.from(covariance),
  dim: mean.length,
  count: 100,
});

describe('frechetDistance', () => {
  it('is ‖μ₁−μ₂‖² + (σ₁ − σ₂)² per axis for diagonal covariances', () => {
    // axis 0: N(0, 1) vs N(1, 4): 1 + (1 − 2)² = 2; axis 1: N(0, 9) vs N(0, 1): (3 − 1)² = 4
    const d = frechetDistance(stats([0, 0], [1, 0, 0, 9]), stats([1, 0], [4, 0, 0, 1]));
    expect(d).toBeCloseTo(6, 9);
  });

  it('matches the closed form for non-commuting covariances (as train/fid.py does)', () => {
    const d = frechetDistance(stats([0, 0], [2, 1, 1, 2]), stats([0, 0], [1, 0, 0, 3]));
    // S1 S2 = [[2, 3], [1, 6]]: eigenvalues 4 ± √7, so tr (S1 S2)^½ = √(4+√7) + √(4−√7)
    expect(d).toBeCloseTo(8 - 2 * (Math.sqrt(4 + Math.sqrt(7)) + Math.sqrt(4 - Math.sqrt(7))), 9);
  });

  it('is zero for a set against itself and positive against a shifted copy', () => {
    const a = Array.from({ length: 50 }, (_, i) => [Math.sin(i), Math.cos(3 * i), i % 7]);
    expect(frechetDistance(featureStats(a), featureStats(a))).toBeCloseTo(0, 6);
    const b = a.map(([x, y, z]) => [x! + 0.5, y!, z!]);
    expect(frechetDistance(featureStats(b), featureStats(a))).toBeCloseTo(0.25, 6);
  });

  it('rejects vectors of different lengths, naming both', () => {
    expect(() => featureStats([[1, 2], [1]])).toThrow(/lengths 2 and 1/);
  });

  it('bootstraps a positive standard error', () => {
    const a = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(i)]);
    let s = 1;
    const random = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
    const r = bootstrapFrechet(a, featureStats(a), random, 20);
    expect(r.fid).toBeCloseTo(0, 6);
    expect(r.standardError).toBeGreaterThan(0);
  });
});
