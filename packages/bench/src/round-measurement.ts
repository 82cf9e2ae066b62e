/**
 * What one method measured in one round (one caption, all its seeds), and how rounds add up
 * to a method's measurement. `pnpm bench` runs the methods in rounds, every method once per
 * round, so a load spike on this shared machine hits all methods of that round alike; speed
 * ratios are taken per round and summarised by their median and spread.
 */

/** One method on one caption's seeds. */
export interface RoundMeasurement {
  readonly images: number;
  readonly steps: number;
  readonly tokens: number;
  readonly decodeMs: number;
  /**
   * CPU time (user + system, every thread of the process) spent decoding. Far less moved by
   * other processes' load than wall-clock time: it leaves out the time spent waiting for a
   * core. Absent from workers of older checkouts.
   */
  readonly cpuMs?: number;
  readonly providerMs: number;
  readonly acceptedDrafts: number;
  /** Steps that took a proactive branch (SJD with `branches`); absent: 0. */
  readonly branchSteps?: number;
  /** Per image, seed by seed: the caption holds. */
  readonly holds: boolean[];
  /** Diversity of the caption's images across seeds (null with one seed). */
  readonly diversity: number | null;
  /** Per image, seed by seed: the judge's features, where FID is measured (fashion). */
  readonly features?: number[][];
  /** Per window position: drafts verified and accepted. */
  readonly verifiedByPosition: number[];
  readonly acceptedByPosition: number[];
}

/** One method over every round, as main.ts reports it. */
export interface MethodMeasurement {
  readonly images: number;
  readonly steps: number;
  readonly tokens: number;
  readonly decodeMs: number;
  readonly providerMs: number;
  readonly adherence: number;
  readonly diversity: number;
  /** Per image, in order (caption by caption, seed by seed): the caption holds. */
  readonly holds: boolean[];
  /** Per caption: the diversity of its images across seeds. */
  readonly diversityByCaption: number[];
  /** Per image, in order: the judge's features (empty where FID is not measured). */
  readonly features: number[][];
  readonly acceptanceByPosition: (number | null)[];
  readonly meanAcceptedDrafts: number;
  /** Steps that took a proactive branch, over all steps. */
  readonly branchStepShare: number;
  /** Milliseconds per image in each round, in round order. */
  readonly msPerImageByRound: number[];
  /** CPU milliseconds per image in each round, in round order (empty when not measured). */
  readonly cpuMsPerImageByRound: number[];
  /** Forward passes per image in each round, in round order. */
  readonly stepsPerImageByRound: number[];
  readonly peakRssMb: number;
}

/** Adds up a method's rounds. */
export function combineRounds(
  rounds: readonly RoundMeasurement[],
  peakRssMb: number,
): MethodMeasurement {
  const sum = (f: (r: RoundMeasurement) => number) => rounds.reduce((a, r) => a + f(r), 0);
  const holds = rounds.flatMap((r) => r.holds);
  const diversities = rounds.flatMap((r) => (r.diversity === null ? [] : [r.diversity]));
  const positions = Math.max(0, ...rounds.map((r) => r.verifiedByPosition.length));
  const acceptanceByPosition: (number | null)[] = [];
  for (let i = 0; i < positions; i++) {
    const verified = sum((r) => r.verifiedByPosition[i] ?? 0);
    acceptanceByPosition.push(
      verified ? sum((r) => r.acceptedByPosition[i] ?? 0) / verified : null,
    );
  }
  const steps = sum((r) => r.steps);
  return {
    images: sum((r) => r.images),
    steps,
    tokens: sum((r) => r.tokens),
    decodeMs: sum((r) => r.decodeMs),
    providerMs: sum((r) => r.providerMs),
    adherence: holds.length ? holds.filter(Boolean).length / holds.length : 0,
    diversity: diversities.length ? diversities.reduce((a, b) => a + b, 0) / diversities.length : 0,
    holds,
    diversityByCaption: diversities,
    features: rounds.flatMap((r) => r.features ?? []),
    acceptanceByPosition,
    meanAcceptedDrafts: sum((r) => r.acceptedDrafts) / Math.max(1, steps),
    branchStepShare: sum((r) => r.branchSteps ?? 0) / Math.max(1, steps),
    msPerImageByRound: rounds.map((r) => r.decodeMs / r.images),
    stepsPerImageByRound: rounds.map((r) => r.steps / r.images),
    cpuMsPerImageByRound: rounds.every((r) => r.cpuMs !== undefined)
      ? rounds.map((r) => r.cpuMs! / r.images)
      : [],
    peakRssMb,
  };
}

/** Median and quartiles of a sample (linear interpolation between order statistics). */
export function quartiles(values: readonly number[]): { p25: number; median: number; p75: number } {
  if (values.length === 0) throw new RangeError('quartiles of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const x = q * (sorted.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (x - lo);
  };
  return { p25: at(0.25), median: at(0.5), p75: at(0.75) };
}

/**
 * A method's speed-up over the baseline, round by round (baseline ms per image over the
 * method's, in the same round), summarised by median and interquartile range: in wall-clock
 * time (the default) or in CPU time.
 */
export function speedupByRound(
  method: MethodMeasurement,
  baseline: MethodMeasurement,
  clock: 'wall' | 'cpu' = 'wall',
): { median: number; p25: number; p75: number; rounds: number[] } {
  const of = (m: MethodMeasurement) =>
    clock === 'wall' ? m.msPerImageByRound : m.cpuMsPerImageByRound;
  const base = of(baseline);
  const rounds = of(method).map((ms, i) => base[i]! / ms);
  return { ...quartiles(rounds), rounds };
}
