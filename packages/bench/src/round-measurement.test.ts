import { describe, expect, it } from 'vitest';
import {
  combineRounds,
  quartiles,
  type RoundMeasurement,
  speedupByRound,
} from './round-measurement.js';

const round = (decodeMs: number, patch: Partial<RoundMeasurement> = {}): RoundMeasurement => ({
  images: 2,
  steps: 10,
  tokens: 40,
  decodeMs,
  providerMs: decodeMs / 2,
  acceptedDrafts: 30,
  holds: [true, false],
  diversity: 0.05,
  verifiedByPosition: [10, 4],
  acceptedByPosition: [8, 1],
  ...patch,
});

describe('combining rounds', () => {
  it('adds counts and pools rates over all rounds', () => {
    const m = combineRounds(
      [
        round(100),
        round(300, {
          holds: [true, true],
          diversity: null,
          verifiedByPosition: [10],
          acceptedByPosition: [8],
        }),
      ],
      123,
    );
    expect(m.images).toBe(4);
    expect(m.decodeMs).toBe(400);
    expect(m.adherence).toBe(3 / 4);
    expect(m.diversityByCaption).toEqual([0.05]);
    expect(m.acceptanceByPosition).toEqual([16 / 20, 1 / 4]);
    expect(m.meanAcceptedDrafts).toBe(60 / 20);
    expect(m.msPerImageByRound).toEqual([50, 150]);
    expect(m.peakRssMb).toBe(123);
  });
});

describe('speed-up by round', () => {
  it('takes the ratio inside each round, so a slow round slows both sides alike', () => {
    const baseline = combineRounds([round(100), round(1000), round(120)], 0);
    const method = combineRounds([round(25), round(250), round(40)], 0);
    const s = speedupByRound(method, baseline);
    expect(s.rounds).toEqual([4, 4, 3]);
    expect(s.median).toBe(4);
    // The ratio of totals would be dominated by the one slow round.
    expect(baseline.decodeMs / method.decodeMs).toBeCloseTo(1220 / 315, 12);
  });

  it('in CPU time where every round measured it, and not at all where one did not', () => {
    const baseline = combineRounds([round(100, { cpuMs: 80 }), round(1000, { cpuMs: 90 })], 0);
    const method = combineRounds([round(25, { cpuMs: 20 }), round(250, { cpuMs: 30 })], 0);
    expect(speedupByRound(method, baseline, 'cpu').rounds).toEqual([4, 3]);
    expect(speedupByRound(method, baseline).rounds).toEqual([4, 4]);
    const old = combineRounds([round(100, { cpuMs: 80 }), round(1000)], 0);
    expect(old.cpuMsPerImageByRound).toEqual([]);
    expect(old.stepsPerImageByRound).toEqual([5, 5]);
  });

  it('quartiles interpolate between order statistics', () => {
    expect(quartiles([4, 1, 3, 2, 5])).toEqual({ p25: 2, median: 3, p75: 4 });
    expect(quartiles([1, 2])).toEqual({ p25: 1.25, median: 1.5, p75: 1.75 });
    expect(() => quartiles([])).toThrow(RangeError);
  });
});
