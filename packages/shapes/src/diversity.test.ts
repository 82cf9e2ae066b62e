import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { diversity, imageDistance } from './diversity.js';
import { IMAGE_BYTES } from './grammar.js';
import { addPixelNoise } from './perturb.js';
import { renderScene } from './render.js';

describe('diversity', () => {
  it('is 0 for identical images and for fewer than two', () => {
    const img = renderScene({
      shapes: [{ kind: 'circle', colour: 'red', size: 'large', cell: 4 }],
    });
    expect(diversity([img, img, Uint8Array.from(img)])).toBe(0);
    expect(diversity([img])).toBe(0);
    expect(diversity([])).toBe(0);
  });

  it('is the mean pairwise mean absolute difference / 255', () => {
    const black = new Uint8Array(IMAGE_BYTES);
    const white = new Uint8Array(IMAGE_BYTES).fill(255);
    const grey = new Uint8Array(IMAGE_BYTES).fill(51);
    expect(imageDistance(black, white)).toBe(1);
    // pairs: black-white 1, black-grey 0.2, white-grey 0.8
    expect(diversity([black, white, grey])).toBeCloseTo(2 / 3);
  });

  it('grows with noise', () => {
    const rng = xoroshiro128plus(3);
    const img = renderScene({
      shapes: [{ kind: 'square', colour: 'blue', size: 'small', cell: 0 }],
    });
    const a = diversity([addPixelNoise(img, rng, 5), addPixelNoise(img, rng, 5)]);
    const b = diversity([addPixelNoise(img, rng, 20), addPixelNoise(img, rng, 20)]);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
  });
});
