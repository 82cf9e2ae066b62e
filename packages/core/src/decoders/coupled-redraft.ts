import {
  pointMass,
  probabilityOf,
  residualDistribution,
  sampleToken,
  type TokenDistribution,
} from '../processing/distribution.js';
import type { SeededRandom } from '../random/seeded-random.js';
import type { Draft } from './draft-initializers.js';

/**
 * Coupled redrafting (maximal coupling, arXiv 2510.24211): when a draft position gets a
 * fresh distribution `target` after a rejection upstream, keep the old draft with
 * probability `min(1, target(d) / q_old(d))`, else draw from `norm(max(0, target − q_old))`.
 * The new draft's marginal is exactly `target`, so `target` is its verification `q`; but it
 * changes only when it must, so the window converges instead of flickering.
 */
export function coupledRedraft(old: Draft, target: TokenDistribution, random: SeededRandom): Draft {
  const q = old.proposal ?? pointMass(old.token);
  const ratio = probabilityOf(target, old.token) / probabilityOf(q, old.token);
  if (random.float() < ratio) return { token: old.token, proposal: target };
  return { token: sampleToken(residualDistribution(target, q), random), proposal: target };
}
