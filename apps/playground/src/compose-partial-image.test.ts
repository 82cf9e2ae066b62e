import { describe, expect, it } from 'vitest';
import { composePartialImage, UNDECIDED_GREY } from './compose-partial-image.js';

describe('composePartialImage', () => {
  it('keeps decoded pixels of decided cells and paints the others grey', () => {
    const width = 4;
    const height = 4;
    const rgb = new Uint8Array(width * height * 3).map((_, i) => i % 251);
    const decided = Int32Array.of(0, -1, -1, 3); // 2×2 grid of 2×2-pixel cells
    const rgba = composePartialImage(rgb, decided, { gridWidth: 2, gridHeight: 2 }, width, height);
    const pixel = (x: number, y: number) =>
      Array.from(rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 4));
    expect(pixel(1, 1)).toEqual([
      ...rgb.subarray((1 * width + 1) * 3, (1 * width + 1) * 3 + 3),
      255,
    ]);
    expect(pixel(2, 0)).toEqual([...UNDECIDED_GREY, 255]);
    expect(pixel(0, 3)).toEqual([...UNDECIDED_GREY, 255]);
    expect(pixel(3, 3)).toEqual([
      ...rgb.subarray((3 * width + 3) * 3, (3 * width + 3) * 3 + 3),
      255,
    ]);
  });
});
