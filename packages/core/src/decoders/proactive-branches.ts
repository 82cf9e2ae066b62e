import type { TokenDistribution } from '../processing/distribution.js';
import { type ImageLayout, rowStride } from '../provider/image-layout.js';
import type { Draft } from './draft-initializers.js';

/** Largest `decoding.branches`: 1 + 15 groups of rows per forward pass. */
export const MAX_BRANCHES = 15;

/**
 * Proactive drafting as extra batch rows (after SJD-PAC, arXiv 2603.18599, without its tree
 * mask): besides the main block `[pending, d_1 … d_L]`, each step feeds `B` branch blocks
 * `[pending, a_k, d_2 … d_L]` as extra rows over the same committed prefix. `a_k` are
 * alternatives for the first draft position, known BEFORE the forward pass: the most
 * probable tokens other than `d_1` under a mixture of the targets its committed neighbours
 * were committed under (above-left, above ×2, above-right, left), else under `d_1`'s own
 * proposal `q_1`.
 *
 * Why neighbours rather than `q_1`: a branch is taken when the residual draw
 * `r ~ norm(max(0, P_0 − q_1))` equals its token, and that residual has its mass where `q_1`
 * has little, so `q_1`'s own top tokens are the worst guesses. Measured on fashion-v1
 * (L = 16, above-distribution, coupled, 3 branches): a branch caught 12 % of first-draft
 * rejections with `q_1`'s top tokens, 34 % with the neighbours' mixture.
 *
 * When `d_1` is rejected and the residual draw equals some `a_k`, branch k's rows already
 * computed `P(· | c, a_k, d_2 …)`, the exact targets of the positions after it; the step
 * goes on verifying `d_2 …` there instead of ending. Why that is exact, step by step:
 * 1. The branch tokens are a function of the state before the step (committed tokens,
 *    drafts, stored targets), never of this step's coins; so is which rows are fed.
 * 2. Position 1 is decided exactly as in plain SJD: accept `d_1` with `min(1, P_0/q_1)`,
 *    else draw `r` from `norm(max(0, P_0 − q_1))`. The branches do not change `r`'s
 *    distribution; they only decide what happens after it.
 * 3. Given `r = a_k`, the committed prefix is `c, a_k`, and branch k's row holds exactly the
 *    targets `P(· | c, a_k, d_2 … d_{i−1})`. A sampled `d_i` (i ≥ 2) was drawn from `q_i`
 *    with randomness of its own, independent of `d_1`, of position 1's coins and of `r`
 *    (given the state), so it is still distributed as `q_i` on this event; a point-mass
 *    draft is exact whatever token it is, as long as no coin of this step chose it. So
 *    verifying `d_i` with a fresh coin against the branch's target, residual at the first
 *    rejection, bonus from the branch's last target, is standard speculative sampling on the
 *    right prefix. (Verifying them against the main row's targets, conditioned on `d_1`,
 *    would not be: the exactness suite's negative control does exactly that.)
 * 4. Every draft is verified at most once on the committed path (the main row's `d_2 …`
 *    never are once `d_1` is rejected), and no coin is reused; the next drafts are drawn from
 *    the kept branch's stale targets with fresh coins and carry them as `q`.
 * So the committed sequence has exactly vanilla sampling's distribution; a branch only buys
 * more tokens per forward pass. When `r` matches no branch, the step is plain SJD.
 *
 * The cost is `B` extra batch rows (2B with CFG) per forward pass: nearly free on a GPU at
 * small batch, paid in full on a CPU.
 */
export class ProactiveBranches {
  private readonly stride: number;
  private readonly targets = new Map<number, TokenDistribution>();

  constructor(
    readonly count: number,
    layout: ImageLayout,
  ) {
    this.stride = rowStride(layout);
  }

  /**
   * Up to `count` distinct branch tokens for the first draft at `position`, other than the
   * draft, most probable first (ties to the lower id). Empty when nothing is known yet.
   */
  tokens(position: number, draft: Draft): number[] {
    const column = position % this.stride;
    const above = position - this.stride;
    // [position, weight]: above counts twice; left and right neighbours only within the row.
    const neighbours: [number, number][] = [[above, 2]];
    if (column > 0) neighbours.push([above - 1, 1], [position - 1, 1]);
    if (column < this.stride - 1) neighbours.push([above + 1, 1]);
    const score = new Map<number, number>();
    for (const [at, weight] of neighbours) {
      const target = this.targets.get(at);
      if (!target) continue;
      for (let i = 0; i < target.ids.length; i++) {
        const id = target.ids[i]!;
        score.set(id, (score.get(id) ?? 0) + weight * target.probs[i]!);
      }
    }
    if (score.size === 0) {
      const q = draft.proposal;
      return q && q.ids.length > 1 ? topTokens(q, this.count, draft.token) : [];
    }
    const ids = Int32Array.from([...score.keys()].sort((a, b) => a - b));
    const mixture = { ids, probs: Float64Array.from(ids, (id) => score.get(id)!) };
    return topTokens(mixture, this.count, draft.token);
  }

  /** Records the target a committed position was committed under (the branches' source). */
  commit(position: number, target: TokenDistribution): void {
    this.targets.set(position, target);
    this.targets.delete(position - this.stride - 2);
  }
}

/** The `count` most probable tokens of `distribution` with mass, other than `exclude`. */
export function topTokens(
  distribution: TokenDistribution,
  count: number,
  exclude: number,
): number[] {
  const { ids, probs } = distribution;
  const best: number[] = []; // indices into ids, most probable first
  for (let i = 0; i < ids.length; i++) {
    const p = probs[i]!;
    if (!(p > 0) || ids[i] === exclude) continue;
    if (best.length === count && p <= probs[best[count - 1]!]!) continue;
    let at = best.length;
    while (at > 0 && probs[best[at - 1]!]! < p) at--;
    best.splice(at, 0, i);
    if (best.length > count) best.pop();
  }
  return best.map((i) => ids[i]!);
}
