import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { COLOURS, IMAGE_BYTES, IMAGE_SIZE, PALETTE } from './grammar.js';

/**
 * Image perturbations that imitate what a generated image goes through (a VQ codebook
 * of 4x4 patches, sampling noise). They test the evaluator's robustness; each returns a
 * new image and advances the caller's `rng`.
 */

/** Side of the VQ patches the model's image tokens stand for. */
export const PATCH = 4;

function clamp(v: number): number {
  return Math.min(255, Math.max(0, v));
}

/** Adds independent uniform noise in `-amplitude..amplitude` to every channel of every pixel. */
export function addPixelNoise(
  rgb: Uint8Array,
  rng: RandomGenerator,
  amplitude: number,
): Uint8Array {
  const out = new Uint8Array(IMAGE_BYTES);
  for (let i = 0; i < IMAGE_BYTES; i++)
    out[i] = clamp(rgb[i]! + uniformInt(rng, -amplitude, amplitude));
  return out;
}

/** Sets `count` random pixels to random palette colours (stray specks). */
export function addSpecks(rgb: Uint8Array, rng: RandomGenerator, count: number): Uint8Array {
  const out = Uint8Array.from(rgb);
  for (let k = 0; k < count; k++) {
    const p = uniformInt(rng, 0, IMAGE_SIZE * IMAGE_SIZE - 1) * 3;
    out.set(PALETTE[COLOURS[uniformInt(rng, 0, COLOURS.length - 1)]!], p);
  }
  return out;
}

/** 3x3 box blur (edges clamp): soft edges with intermediate colours, like a VQ decoder's. */
export function boxBlur(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(IMAGE_BYTES);
  const at = (v: number) => Math.min(IMAGE_SIZE - 1, Math.max(0, v));
  for (let y = 0; y < IMAGE_SIZE; y++) {
    const rows = [at(y - 1), y, at(y + 1)];
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const cols = [at(x - 1), x, at(x + 1)];
      let r = 0;
      let g = 0;
      let b = 0;
      for (const yy of rows) {
        for (const xx of cols) {
          const p = (yy * IMAGE_SIZE + xx) * 3;
          r += rgb[p]!;
          g += rgb[p + 1]!;
          b += rgb[p + 2]!;
        }
      }
      const q = (y * IMAGE_SIZE + x) * 3;
      out[q] = Math.round(r / 9);
      out[q + 1] = Math.round(g / 9);
      out[q + 2] = Math.round(b / 9);
    }
  }
  return out;
}

/**
 * With probability `probability`, replaces each 4x4 patch by the same patch of the source
 * taken one pixel off in a random direction (a neighbouring code chosen instead).
 */
export function jitterPatches(
  rgb: Uint8Array,
  rng: RandomGenerator,
  probability: number,
): Uint8Array {
  const out = Uint8Array.from(rgb);
  const threshold = Math.round(probability * 1000);
  for (let py = 0; py < IMAGE_SIZE; py += PATCH) {
    for (let px = 0; px < IMAGE_SIZE; px += PATCH) {
      if (uniformInt(rng, 0, 999) >= threshold) continue;
      const sx = uniformInt(rng, -1, 1);
      const sy = uniformInt(rng, -1, 1);
      for (let y = py; y < py + PATCH; y++) {
        for (let x = px; x < px + PATCH; x++) {
          const yy = Math.min(IMAGE_SIZE - 1, Math.max(0, y + sy));
          const xx = Math.min(IMAGE_SIZE - 1, Math.max(0, x + sx));
          out.set(
            rgb.subarray((yy * IMAGE_SIZE + xx) * 3, (yy * IMAGE_SIZE + xx) * 3 + 3),
            (y * IMAGE_SIZE + x) * 3,
          );
        }
      }
    }
  }
  return out;
}

/**
 * With probability `probability`, replaces each 4x4 patch that mixes colours by its mean
 * colour (a codebook without the right edge pattern). Uniform patches stay as they are.
 */
export function flattenPatches(
  rgb: Uint8Array,
  rng: RandomGenerator,
  probability: number,
): Uint8Array {
  const out = Uint8Array.from(rgb);
  const threshold = Math.round(probability * 1000);
  for (let py = 0; py < IMAGE_SIZE; py += PATCH) {
    for (let px = 0; px < IMAGE_SIZE; px += PATCH) {
      if (uniformInt(rng, 0, 999) >= threshold) continue;
      const sum = [0, 0, 0];
      for (let y = py; y < py + PATCH; y++) {
        for (let x = px; x < px + PATCH; x++) {
          for (let c = 0; c < 3; c++) sum[c]! += rgb[(y * IMAGE_SIZE + x) * 3 + c]!;
        }
      }
      const mean = sum.map((s) => Math.round(s / (PATCH * PATCH)));
      for (let y = py; y < py + PATCH; y++) {
        for (let x = px; x < px + PATCH; x++) out.set(mean, (y * IMAGE_SIZE + x) * 3);
      }
    }
  }
  return out;
}
