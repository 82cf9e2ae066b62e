import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** The Gaussian fit of a feature set: mean and (unbiased) covariance. */
export interface FeatureStats {
  readonly mean: Float64Array;
  /** Row-major `dim × dim`. */
  readonly covariance: Float64Array;
  readonly dim: number;
  readonly count: number;
}

/** Mean and covariance of `features` (each of the same length, at least two of them). */
export function featureStats(features: readonly ArrayLike<number>[]): FeatureStats {
  const count = features.length;
  if (count < 2) throw new RangeError(`feature statistics need at least 2 vectors, got ${count}`);
  const dim = features[0]!.length;
  const mean = new Float64Array(dim);
  for (const f of features) {
    if (f.length !== dim) throw new RangeError(`feature vectors of lengths ${dim} and ${f.length}`);
    for (let i = 0; i < dim; i++) mean[i]! += f[i]! / count;
  }
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (const f of features) {
    for (let i = 0; i < dim; i++) centred[i] = f[i]! - mean[i]!;
    for (let i = 0; i < dim; i++) {
      const ci = centred[i]!;
      for (let j = i; j < dim; j++) covariance[i * dim + j]! += ci * centred[j]!;
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = covariance[i * dim + j]! / (count - 1);
      covariance[i * dim + j] = v;
      covariance[j * dim + i] = v;
    }
  }
  return { mean, covariance, dim, count };
}

const toMatrix = (s: FeatureStats) =>
  new Matrix(
    Array.from({ length: s.dim }, (_, i) =>
      Array.from(s.covariance.subarray(i * s.dim, (i + 1) * s.dim)),
    ),
  );

/** Eigen-decomposition square root of a symmetric positive semi-definite matrix. */
function sqrtPsd(m: Matrix): Matrix {
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const v = e.eigenvectorMatrix;
  const w = e.realEigenvalues.map((x) => Math.sqrt(Math.max(0, x)));
  return v.mmul(Matrix.diag(w)).mmul(v.transpose());
}

/**
 * The Fréchet distance between two Gaussian fits (FID when the features are a classifier's):
 * ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁ Σ₂)^½, the last trace as the sum of the square roots of
 * the eigenvalues of the symmetric Σ₁^½ Σ₂ Σ₁^½ (the same figure as `train/fid.py`).
 */
export function frechetDistance(a: FeatureStats, b: FeatureStats): number {
  if (a.dim !== b.dim) throw new RangeError(`feature dimensions ${a.dim} and ${b.dim}`);
  let d2 = 0;
  for (let i = 0; i < a.dim; i++) d2 += (a.mean[i]! - b.mean[i]!) ** 2;
  const s1 = toMatrix(a);
  const s2 = toMatrix(b);
  const r = sqrtPsd(s1);
  const m = r.mmul(s2).mmul(r);
  const sym = m.add(m.transpose()).div(2);
  const e = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const trSqrt = e.realEigenvalues.reduce((acc, x) => acc + Math.sqrt(Math.max(0, x)), 0);
  return d2 + s1.trace() + s2.trace() - 2 * trSqrt;
}

/**
 * FID of `features` against fixed reference statistics, with its sampling noise: the
 * standard deviation over `rounds` bootstrap resamples (with replacement) of `features`.
 * `random` returns uniform numbers in [0, 1) (pass a seeded one for reproducible intervals).
 */
export function bootstrapFrechet(
  features: readonly ArrayLike<number>[],
  reference: FeatureStats,
  random: () => number,
  rounds = 50,
): { fid: number; standardError: number } {
  const fid = frechetDistance(featureStats(features), reference);
  const values: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const sample = features.map(() => features[Math.floor(random() * features.length)]!);
    values.push(frechetDistance(featureStats(sample), reference));
  }
  const mean = values.reduce((a, b) => a + b, 0) / rounds;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (rounds - 1));
  return { fid, standardError: sd };
}
