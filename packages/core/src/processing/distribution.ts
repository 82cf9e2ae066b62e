import type { SeededRandom } from '../random/seeded-random.js';

/**
 * A probability distribution over token ids, stored sparsely: `ids` ascending, `probs`
 * summing to 1, zeros left out. A point mass (a draft that was initialised rather than
 * sampled, or greedy decoding) is a distribution with one entry.
 */
export interface TokenDistribution {
  readonly ids: Int32Array;
  readonly probs: Float64Array;
}

/** The distribution that puts all mass on `token`. */
export function pointMass(token: number): TokenDistribution {
  return { ids: Int32Array.of(token), probs: Float64Array.of(1) };
}

/** Probability of `token` (0 when it is outside the support). Binary search, O(log n). */
export function probabilityOf(distribution: TokenDistribution, token: number): number {
  const { ids, probs } = distribution;
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const id = ids[mid]!;
    if (id === token) return probs[mid]!;
    if (id < token) low = mid + 1;
    else high = mid - 1;
  }
  return 0;
}

/** Draws one token by inverting the cumulative distribution with one uniform number. */
export function sampleToken(distribution: TokenDistribution, random: SeededRandom): number {
  const { ids, probs } = distribution;
  const u = random.float();
  let cumulative = 0;
  for (let i = 0; i < ids.length; i++) {
    cumulative += probs[i]!;
    if (u < cumulative) return ids[i]!;
  }
  // Rounding left the total a hair under 1: take the last token with mass.
  for (let i = ids.length - 1; i >= 0; i--) if (probs[i]! > 0) return ids[i]!;
  throw new Error('sampleToken: empty distribution');
}

/** The most probable token; ties go to the lowest id. */
export function argmaxToken(distribution: TokenDistribution): number {
  const { ids, probs } = distribution;
  let best = 0;
  for (let i = 1; i < ids.length; i++) if (probs[i]! > probs[best]!) best = i;
  return ids[best]!;
}

/**
 * The residual distribution of speculative sampling, `norm(max(0, target − proposal))`.
 * It lives inside the target's support already, so it is never re-warped. When the two
 * are equal (the residual has no mass, which happens only if the draft could not be
 * rejected) the target is returned.
 */
export function residualDistribution(
  target: TokenDistribution,
  proposal: TokenDistribution,
): TokenDistribution {
  const ids: number[] = [];
  const probs: number[] = [];
  let total = 0;
  const t = target;
  const q = proposal;
  let j = 0;
  for (let i = 0; i < t.ids.length; i++) {
    const id = t.ids[i]!;
    while (j < q.ids.length && q.ids[j]! < id) j++;
    const qp = j < q.ids.length && q.ids[j] === id ? q.probs[j]! : 0;
    const mass = t.probs[i]! - qp;
    if (mass > 0) {
      ids.push(id);
      probs.push(mass);
      total += mass;
    }
  }
  if (!(total > 1e-12)) return target;
  const out = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) out[i] = probs[i]! / total;
  return { ids: Int32Array.from(ids), probs: out };
}
