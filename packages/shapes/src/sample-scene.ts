import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import {
  CELL_COUNT,
  COLOURS,
  KINDS,
  MAX_SHAPES,
  MIN_SHAPES,
  type Scene,
  type Shape,
  SIZES,
} from './grammar.js';

function pick<T>(rng: RandomGenerator, items: readonly T[]): T {
  return items[uniformInt(rng, 0, items.length - 1)]!;
}

/**
 * Draws a random scene: the shape count uniform in 1..3 (or `count` when given), distinct
 * cells uniform without replacement, kind, colour and size uniform and independent.
 * Advances `rng` (the caller owns it). Shapes come out in raster order of their cells.
 */
export function sampleScene(rng: RandomGenerator, count?: number): Scene {
  const n = count ?? uniformInt(rng, MIN_SHAPES, MAX_SHAPES);
  if (!Number.isInteger(n) || n < MIN_SHAPES || n > MAX_SHAPES) {
    throw new RangeError(`shape count ${n} is not in ${MIN_SHAPES}..${MAX_SHAPES}`);
  }
  const cells = Array.from({ length: CELL_COUNT }, (_, i) => i);
  // Partial Fisher-Yates: the first n entries become a uniform n-subset.
  for (let i = 0; i < n; i++) {
    const j = uniformInt(rng, i, CELL_COUNT - 1);
    [cells[i], cells[j]] = [cells[j]!, cells[i]!];
  }
  const chosen = cells.slice(0, n).sort((a, b) => a - b);
  const shapes: Shape[] = chosen.map((cell) => ({
    kind: pick(rng, KINDS),
    colour: pick(rng, COLOURS),
    size: pick(rng, SIZES),
    cell,
  }));
  return { shapes };
}
