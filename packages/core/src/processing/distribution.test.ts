import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.js';
import {
  argmaxToken,
  pointMass,
  probabilityOf,
  residualDistribution,
  sampleToken,
} from './distribution.js';

const dist = (entries: [number, number][]) => ({
  ids: Int32Array.from(entries.map((e) => e[0])),
  probs: Float64Array.from(entries.map((e) => e[1])),
});

describe('distribution helpers', () => {
  it('probabilityOf finds ids and returns 0 outside the support', () => {
    const d = dist([
      [2, 0.5],
      [7, 0.3],
      [9, 0.2],
    ]);
    expect(probabilityOf(d, 7)).toBe(0.3);
    expect(probabilityOf(d, 3)).toBe(0);
    expect(probabilityOf(pointMass(4), 4)).toBe(1);
  });

  it('residual against a point mass removes the draft and renormalises', () => {
    const r = residualDistribution(
      dist([
        [1, 0.5],
        [2, 0.25],
        [3, 0.25],
      ]),
      pointMass(1),
    );
    expect([...r.ids]).toEqual([2, 3]);
    expect([...r.probs]).toEqual([0.5, 0.5]);
  });

  it('residual against a full proposal is norm(max(0, P − q))', () => {
    const r = residualDistribution(
      dist([
        [1, 0.6],
        [2, 0.4],
      ]),
      dist([
        [0, 0.5],
        [1, 0.2],
        [2, 0.3],
      ]),
    );
    expect([...r.ids]).toEqual([1, 2]);
    expect(r.probs[0]).toBeCloseTo(0.4 / 0.5, 12);
    expect(r.probs[1]).toBeCloseTo(0.1 / 0.5, 12);
  });

  it('residual of equal distributions falls back to the target', () => {
    const p = dist([
      [1, 0.5],
      [2, 0.5],
    ]);
    expect(residualDistribution(p, p)).toBe(p);
  });

  it('sampleToken follows the probabilities', () => {
    const random = new SeededRandom(1);
    const d = dist([
      [3, 0.7],
      [5, 0.2],
      [8, 0.1],
    ]);
    const counts = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const t = sampleToken(d, random);
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    expect(counts.get(3)! / 20_000).toBeCloseTo(0.7, 1);
    expect(counts.get(8)! / 20_000).toBeCloseTo(0.1, 1);
  });

  it('argmaxToken breaks ties towards the lowest id', () => {
    expect(
      argmaxToken(
        dist([
          [4, 0.4],
          [6, 0.4],
          [9, 0.2],
        ]),
      ),
    ).toBe(4);
  });
});
