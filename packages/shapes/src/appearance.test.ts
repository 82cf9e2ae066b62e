import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { jitterRange, plainAppearance, sampleAppearance } from './appearance.js';
import { diversity } from './diversity.js';
import {
  BACKGROUND,
  BACKGROUND_GREYS,
  CELL_BOUNDS,
  CELL_COUNT,
  GRID,
  IMAGE_SIZE,
  KINDS,
  MAX_JITTER,
  type Scene,
  SIZES,
} from './grammar.js';
import { renderScene } from './render.js';
import { sampleScene } from './sample-scene.js';

describe('appearance', () => {
  it('keeps every shape of every kind, size and cell inside its band at the extreme offsets', () => {
    for (const kind of KINDS) {
      for (const size of SIZES) {
        for (let cell = 0; cell < CELL_COUNT; cell++) {
          const shape = { kind, size, cell, colour: 'red' as const };
          const [x0, x1] = jitterRange(shape, 0);
          const [y0, y1] = jitterRange(shape, 1);
          expect(x0).toBeLessThanOrEqual(0);
          expect(x1).toBeGreaterThanOrEqual(0);
          expect(Math.max(-x0, x1, -y0, y1)).toBeLessThanOrEqual(MAX_JITTER);
          for (const [dx, dy] of [
            [x0, y0],
            [x1, y1],
          ] as const) {
            const img = renderScene({ shapes: [shape] }, undefined, 0, {
              background: 0,
              offsets: [[dx, dy]],
            });
            const col = cell % GRID;
            const row = Math.floor(cell / GRID);
            for (let y = 0; y < IMAGE_SIZE; y++) {
              for (let x = 0; x < IMAGE_SIZE; x++) {
                if (img[(y * IMAGE_SIZE + x) * 3] === 0) continue;
                expect(x >= CELL_BOUNDS[col]! && x < CELL_BOUNDS[col + 1]!).toBe(true);
                expect(y >= CELL_BOUNDS[row]! && y < CELL_BOUNDS[row + 1]!).toBe(true);
              }
            }
          }
        }
      }
    }
  });

  it('is seeded, covers every background grey and moves shapes both ways', () => {
    const draw = (seed: number) => {
      const rng = xoroshiro128plus(seed);
      return Array.from({ length: 300 }, () => sampleAppearance(rng, sampleScene(rng)));
    };
    const a = draw(5);
    expect(draw(5)).toEqual(a);
    expect(draw(6)).not.toEqual(a);
    expect(new Set(a.map((x) => x.background))).toEqual(new Set(BACKGROUND_GREYS));
    const dx = new Set(a.flatMap((x) => x.offsets.map((o) => o[0])));
    expect(Math.min(...dx)).toBeLessThan(0);
    expect(Math.max(...dx)).toBeGreaterThan(0);
  });

  it('plain appearance renders the reference background at the cell centre', () => {
    const scene: Scene = { shapes: [{ kind: 'circle', colour: 'red', size: 'large', cell: 4 }] };
    expect(plainAppearance(scene)).toEqual({ background: BACKGROUND[0], offsets: [[0, 0]] });
    expect(renderScene(scene)[0]).toBe(BACKGROUND[0]);
  });

  it('gives ground-truth images of one caption a diversity well above zero', () => {
    const rng = xoroshiro128plus(8);
    const scene = sampleScene(rng, 2);
    const images = Array.from({ length: 8 }, () =>
      renderScene(scene, undefined, 0, sampleAppearance(rng, scene)),
    );
    expect(diversity(images)).toBeGreaterThan(0.01);
  });

  it('rejects offsets that do not match the scene', () => {
    const scene: Scene = { shapes: [{ kind: 'circle', colour: 'red', size: 'large', cell: 4 }] };
    expect(() => renderScene(scene, undefined, 0, { background: 245, offsets: [] })).toThrow(
      /1 shapes/,
    );
  });
});
