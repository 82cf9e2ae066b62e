import type { TokenDistribution } from '../processing/distribution.js';
import { sampleToken } from '../processing/distribution.js';
import {
  allowedTokensAt,
  type ImageLayout,
  isEndOfRow,
  rowStride,
} from '../provider/image-layout.js';
import type { SeededRandom } from '../random/seeded-random.js';

/**
 * How a new draft token is guessed, at no model cost. Every draft carries the exact
 * distribution it was drawn from (a point mass for a copied or predicted token), and is
 * verified against it, so any choice keeps decoding exact; better guesses are accepted more.
 * - `random`: uniform over the tokens allowed at the position (the paper's default).
 * - `horizontal`: the token to the left in the same image row.
 * - `vertical`: the token one image row above.
 * - `above-distribution`: a fresh sample from the target distribution the position above
 *   was committed under, verified against that distribution (not a point mass).
 * - `context-frequency`: the token that most often followed the same (left, above) pair of
 *   neighbours among this image's committed tokens; falls back to `vertical`.
 * Spatial initialisers fall back to `horizontal`, then `random`, where no neighbour exists yet.
 */
export type DraftInit =
  | 'random'
  | 'horizontal'
  | 'vertical'
  | 'above-distribution'
  | 'context-frequency';

export const DRAFT_INITS: readonly DraftInit[] = [
  'random',
  'horizontal',
  'vertical',
  'above-distribution',
  'context-frequency',
];

/** A guessed token and the exact distribution it was drawn from (`null`: a point mass). */
export interface Draft {
  readonly token: number;
  readonly proposal: TokenDistribution | null;
}

/**
 * Makes new drafts for one image. Owns what the smarter initialisers learn as the image is
 * committed: the target distributions of the last row, and (left, above) → token counts.
 */
export class DraftInitializer {
  private readonly stride: number;
  private readonly targets = new Map<number, TokenDistribution>();
  private readonly follow = new Map<number, Map<number, number>>();
  private readonly best = new Map<number, number>();

  constructor(
    private readonly init: DraftInit,
    private readonly layout: ImageLayout,
    private readonly random: SeededRandom,
  ) {
    this.stride = rowStride(layout);
  }

  /**
   * Records a committed token and the target distribution it was committed under.
   * `tokenAt` reads committed tokens.
   */
  commit(
    position: number,
    token: number,
    target: TokenDistribution | null,
    tokenAt: (p: number) => number | undefined,
  ): void {
    if (this.init === 'above-distribution' && target) {
      this.targets.set(position, target);
      this.targets.delete(position - this.stride - 1);
    }
    if (this.init === 'context-frequency') {
      const key = this.contextKey(position, tokenAt);
      if (key === undefined) return;
      let counts = this.follow.get(key);
      if (!counts) this.follow.set(key, (counts = new Map()));
      const n = (counts.get(token) ?? 0) + 1;
      counts.set(token, n);
      const leader = this.best.get(key);
      if (leader === undefined || n > (counts.get(leader) ?? 0)) this.best.set(key, token);
    }
  }

  /** A draft for `position`; `tokenAt` returns committed or drafted tokens before it. */
  draft(position: number, tokenAt: (p: number) => number | undefined): Draft {
    const { layout } = this;
    if (isEndOfRow(layout, position)) return { token: layout.endOfRowToken!, proposal: null };
    if (this.init === 'above-distribution') {
      const above = this.targets.get(position - this.stride);
      if (above) return { token: sampleToken(above, this.random), proposal: above };
    }
    if (this.init === 'context-frequency') {
      const key = this.contextKey(position, tokenAt);
      const predicted = key === undefined ? undefined : this.best.get(key);
      if (predicted !== undefined) return { token: predicted, proposal: null };
    }
    if (this.init !== 'random' && this.init !== 'horizontal') {
      const above = position - this.stride;
      if (above >= 0) {
        const token = tokenAt(above);
        if (token !== undefined) return { token, proposal: null };
      }
    }
    if (this.init !== 'random' && position % this.stride > 0) {
      const token = tokenAt(position - 1);
      if (token !== undefined) return { token, proposal: null };
    }
    return { token: this.uniformAllowed(position), proposal: null };
  }

  private contextKey(
    position: number,
    tokenAt: (p: number) => number | undefined,
  ): number | undefined {
    if (position < this.stride || position % this.stride === 0) return undefined;
    const left = tokenAt(position - 1);
    const above = tokenAt(position - this.stride);
    if (left === undefined || above === undefined) return undefined;
    return left * 0x10_0000 + above;
  }

  private uniformAllowed(position: number): number {
    const ranges = allowedTokensAt(this.layout, position);
    let total = 0;
    for (const range of ranges) total += range.count;
    let pick = this.random.int(0, total - 1);
    for (const range of ranges) {
      if (pick < range.count) return range.start + pick;
      pick -= range.count;
    }
    throw new Error('unreachable: empty allowed range');
  }
}
