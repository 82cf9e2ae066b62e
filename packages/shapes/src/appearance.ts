import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import {
  type Appearance,
  BACKGROUND,
  BACKGROUND_GREYS,
  CELL_BOUNDS,
  GRID,
  MAX_JITTER,
  type Scene,
  type Shape,
} from './grammar.js';
import { cellCentre, shapeMask } from './shape-mask.js';

/** The plain look: reference background, every shape at its cell centre. */
export function plainAppearance(scene: Scene): Appearance {
  return { background: BACKGROUND[0], offsets: scene.shapes.map(() => [0, 0] as const) };
}

/**
 * The offsets `[min, max]` (inclusive, within ±{@link MAX_JITTER}) by which a shape can move
 * along x (`axis` 0) or y (`axis` 1) and still lie wholly inside its cell's band.
 */
export function jitterRange(shape: Shape, axis: 0 | 1): readonly [number, number] {
  const mask = shapeMask(shape.kind, shape.size);
  const offsets = axis === 0 ? mask.dx : mask.dy;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const o of offsets) {
    if (o < lo) lo = o;
    if (o > hi) hi = o;
  }
  const band = axis === 0 ? shape.cell % GRID : Math.floor(shape.cell / GRID);
  const centre = cellCentre(shape.cell)[axis];
  const first = CELL_BOUNDS[band]!;
  const last = CELL_BOUNDS[band + 1]! - 1;
  return [Math.max(-MAX_JITTER, first - (centre + lo)), Math.min(MAX_JITTER, last - (centre + hi))];
}

/**
 * Draws an appearance for a scene: the background uniform over {@link BACKGROUND_GREYS},
 * each shape's offset uniform over its {@link jitterRange} on each axis. Advances `rng`.
 */
export function sampleAppearance(rng: RandomGenerator, scene: Scene): Appearance {
  const background = BACKGROUND_GREYS[uniformInt(rng, 0, BACKGROUND_GREYS.length - 1)]!;
  const offsets = scene.shapes.map((shape) => {
    const [x0, x1] = jitterRange(shape, 0);
    const [y0, y1] = jitterRange(shape, 1);
    return [uniformInt(rng, x0, x1), uniformInt(rng, y0, y1)] as const;
  });
  return { background, offsets };
}
