/**
 * Whether a decoding method keeps vanilla sampling's quality, judged with the sampling
 * noise in view. Adherence is a proportion of images; diversity a mean over captions of
 * per-caption diversities. A lossless method differs from vanilla AR only by that noise, so
 * the benchmark reports each row's difference with its standard error, and judges the
 * family of lossless rows pooled (many more images than any one row).
 */

/** What one method's images showed, per image and per caption. */
export interface QualitySample {
  /** Per image: the evaluator found its caption holds. */
  readonly holds: readonly boolean[];
  /** Per caption (same caption order for every method): the diversity of its images. */
  readonly diversityByCaption: readonly number[];
}

/** A difference from the baseline with its standard error. */
export interface Difference {
  readonly value: number;
  readonly standardError: number;
  /** |value| / standardError (0 when both are 0). */
  readonly z: number;
}

/** One method against the baseline. */
export interface QualityComparison {
  readonly adherence: number;
  /** Wilson 95% interval of the adherence. */
  readonly adherenceInterval: readonly [number, number];
  /** Adherence minus the baseline's (proportion points, 0.03 = 3 points). */
  readonly adherenceDifference: Difference;
  readonly diversity: number;
  /** Diversity relative to the baseline's, minus 1 (0.1 = 10% more diverse), per caption paired. */
  readonly diversityDifference: Difference;
}

/** Wilson score interval for k successes out of n, at 95%. */
export function wilsonInterval(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959963984540054;
  const p = k / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function difference(value: number, standardError: number): Difference {
  return { value, standardError, z: standardError > 0 ? Math.abs(value) / standardError : 0 };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/**
 * Adherence difference with the unpooled two-proportion standard error (with a floor of
 * half an image per sample, so that 100% vs 100% still has a finite, honest error), and the
 * diversity ratio with the standard error of the per-caption paired relative differences.
 */
export function compareQuality(sample: QualitySample, baseline: QualitySample): QualityComparison {
  const n = sample.holds.length;
  const m = baseline.holds.length;
  const k = sample.holds.filter(Boolean).length;
  const j = baseline.holds.filter(Boolean).length;
  const p = k / n;
  const q = j / m;
  const pv = (Math.max(Math.min(k, n - k), 0.5) / n) * (1 - Math.max(Math.min(k, n - k), 0.5) / n);
  const qv = (Math.max(Math.min(j, m - j), 0.5) / m) * (1 - Math.max(Math.min(j, m - j), 0.5) / m);
  const adherenceDifference = difference(p - q, Math.sqrt(pv / n + qv / m));

  const base = mean(baseline.diversityByCaption);
  const d = sample.diversityByCaption;
  if (d.length !== baseline.diversityByCaption.length)
    throw new RangeError('diversities must cover the same captions');
  const relative = d.map((x, c) => (base > 0 ? (x - baseline.diversityByCaption[c]!) / base : 0));
  const r = mean(relative);
  const sd = Math.sqrt(
    relative.reduce((a, x) => a + (x - r) ** 2, 0) / Math.max(1, relative.length - 1),
  );
  return {
    adherence: p,
    adherenceInterval: wilsonInterval(k, n),
    adherenceDifference,
    diversity: mean(d),
    diversityDifference: difference(r, sd / Math.sqrt(Math.max(1, relative.length))),
  };
}

/**
 * Pools methods that sample the same distribution: every image, and per caption the mean
 * of their diversities.
 */
export function poolSamples(samples: readonly QualitySample[]): QualitySample {
  const captions = samples[0]?.diversityByCaption.length ?? 0;
  return {
    holds: samples.flatMap((s) => s.holds),
    diversityByCaption: Array.from({ length: captions }, (_, c) =>
      mean(samples.map((s) => s.diversityByCaption[c]!)),
    ),
  };
}
