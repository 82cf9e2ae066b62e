import {
  allowedTokensAt,
  type ImageLayout,
  isEndOfRow,
  rowStride,
} from '../provider/image-layout.js';
import type { SeededRandom } from '../random/seeded-random.js';

/**
 * How a new draft token is guessed, at no model cost. Every initialised draft is verified
 * as a point mass, so any choice keeps decoding exact; better guesses are accepted more.
 * - `random`: uniform over the tokens allowed at the position (the paper's default).
 * - `horizontal`: the token to the left in the same image row.
 * - `vertical`: the token one image row above.
 * Spatial initialisers fall back to `horizontal`, then `random`, where no neighbour exists yet.
 */
export type DraftInit = 'random' | 'horizontal' | 'vertical';

export const DRAFT_INITS: readonly DraftInit[] = ['random', 'horizontal', 'vertical'];

/**
 * Guesses the token at `position`. `tokenAt` returns the committed or drafted token at an
 * earlier position, or `undefined`.
 */
export function initialDraft(
  init: DraftInit,
  layout: ImageLayout,
  position: number,
  tokenAt: (position: number) => number | undefined,
  random: SeededRandom,
): number {
  if (isEndOfRow(layout, position)) return layout.endOfRowToken!;
  if (init === 'vertical') {
    const above = position - rowStride(layout);
    if (above >= 0) {
      const token = tokenAt(above);
      if (token !== undefined) return token;
    }
  }
  if (init === 'vertical' || init === 'horizontal') {
    if (position % rowStride(layout) > 0) {
      const token = tokenAt(position - 1);
      if (token !== undefined) return token;
    }
  }
  return uniformAllowed(layout, position, random);
}

function uniformAllowed(layout: ImageLayout, position: number, random: SeededRandom): number {
  const ranges = allowedTokensAt(layout, position);
  let total = 0;
  for (const range of ranges) total += range.count;
  let pick = random.int(0, total - 1);
  for (const range of ranges) {
    if (pick < range.count) return range.start + pick;
    pick -= range.count;
  }
  throw new Error('unreachable: empty allowed range');
}
