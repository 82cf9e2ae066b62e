import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

/** The outcome of a chi-square goodness-of-fit test. */
export interface GoodnessOfFit {
  readonly statistic: number;
  readonly degreesOfFreedom: number;
  /** Probability of a statistic at least this large if the samples follow `expected`. */
  readonly pValue: number;
  /** Samples of outcomes whose expected probability is 0: any one of them is a failure. */
  readonly impossible: number;
  readonly samples: number;
}

/**
 * Pearson's chi-square test of observed outcome counts against exact probabilities.
 * Outcomes whose expected count is under `minExpected` are pooled into one bin, so the
 * chi-square approximation holds. An observed outcome with probability 0 makes the
 * p-value 0.
 */
export function chiSquareGoodnessOfFit(
  observed: ReadonlyMap<string, number>,
  expected: ReadonlyMap<string, number>,
  minExpected = 5,
): GoodnessOfFit {
  let samples = 0;
  for (const count of observed.values()) samples += count;
  let impossible = 0;
  for (const [key, count] of observed) if (!expected.has(key)) impossible += count;
  let statistic = 0;
  let bins = 0;
  let pooledExpected = 0;
  let pooledObserved = 0;
  for (const [key, p] of expected) {
    const e = p * samples;
    const o = observed.get(key) ?? 0;
    if (e < minExpected) {
      pooledExpected += e;
      pooledObserved += o;
      continue;
    }
    statistic += ((o - e) * (o - e)) / e;
    bins++;
  }
  if (pooledExpected > 0) {
    statistic += (pooledObserved - pooledExpected) ** 2 / Math.max(pooledExpected, 1e-12);
    bins++;
  }
  const degreesOfFreedom = Math.max(1, bins - 1);
  const pValue = impossible > 0 ? 0 : 1 - chisquareCdf(statistic, degreesOfFreedom);
  return { statistic, degreesOfFreedom, pValue, impossible, samples };
}
