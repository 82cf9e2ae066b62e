import { IMAGE_BYTES } from './grammar.js';

/** Mean absolute difference of two images' bytes, divided by 255 (0 = identical, 1 = opposite). */
export function imageDistance(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError('images differ in length');
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / (a.length * 255);
}

/**
 * Diversity of images generated for one caption under different seeds: the mean, over all
 * unordered pairs, of {@link imageDistance} (mean absolute per-channel pixel difference / 255),
 * in 0..1. Deterministic ground-truth renders score 0. Fewer than two images give 0.
 */
export function diversity(images: readonly Uint8Array[]): number {
  for (const img of images) {
    if (img.length !== IMAGE_BYTES)
      throw new RangeError(`image has ${img.length} bytes, expected ${IMAGE_BYTES}`);
  }
  return pairwiseDiversity(images);
}

/**
 * The mean, over all unordered pairs of `images` (any size, all the same), of
 * {@link imageDistance}; fewer than two images give 0. {@link diversity} is this with the
 * shapes world's image size checked.
 */
export function pairwiseDiversity(images: readonly Uint8Array[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) {
      sum += imageDistance(images[i]!, images[j]!);
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}
