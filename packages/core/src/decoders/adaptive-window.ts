/**
 * Chooses the SJD window each step from the backend's cost of a forward pass over a
 * block of n tokens (relative to one token) and the acceptance measured so far in this
 * generation: the L that maximises expected committed tokens per unit of cost,
 *   E[tokens | L] = 1 + Σ_{k=1..L} Π_{i≤k} a_i,   cost(L) = relativeCost(L + 1),
 * where a_i is the running acceptance rate at window position i (with a weak prior).
 * The choice depends only on the past, never on the coins of the step it sizes, so
 * decoding stays exact; with a fixed cost profile it is also deterministic per seed.
 */
export class AdaptiveWindow {
  private readonly verified: number[] = [];
  private readonly accepted: number[] = [];

  constructor(
    private readonly relativeCost: (blockLength: number) => number,
    private readonly maxWindow: number,
    private readonly candidates: readonly number[] = [
      1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128,
    ],
  ) {}

  /** Window for the next step, at most `remaining`. */
  next(remaining: number): number {
    let best = 1;
    let bestRate = 0;
    for (const window of this.candidates) {
      if (window > this.maxWindow) break;
      const rate = this.expectedTokens(window) / this.relativeCost(window + 1);
      if (rate > bestRate) {
        bestRate = rate;
        best = window;
      }
    }
    return Math.max(1, Math.min(best, remaining));
  }

  /** Feeds back one step: drafts verified (in window order) and how many were accepted. */
  record(verifiedDrafts: number, acceptedDrafts: number): void {
    for (let i = 0; i < verifiedDrafts; i++) {
      this.verified[i] = (this.verified[i] ?? 0) + 1;
      if (i < acceptedDrafts) this.accepted[i] = (this.accepted[i] ?? 0) + 1;
    }
  }

  private expectedTokens(window: number): number {
    let expected = 1;
    let reach = 1;
    let last = 0.5;
    for (let i = 0; i < window; i++) {
      const v = this.verified[i];
      // Beta(1, 1) prior; positions never reached borrow the last estimate.
      const rate = v === undefined ? last : ((this.accepted[i] ?? 0) + 1) / (v + 2);
      last = rate;
      reach *= rate;
      expected += reach;
    }
    return expected;
  }
}

/**
 * Relative cost of a forward pass over `n` tokens when the provider gives none: a mild
 * linear growth, right for small models on a CPU and conservative for large ones on a GPU.
 */
export function defaultRelativeCost(n: number): number {
  return 1 + (n - 1) / 32;
}
