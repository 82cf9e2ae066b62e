import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the shipped `fashion-v1` model folder `packages/fashion/model`
 * (manifest.json, decoder.onnx, vq-decoder.onnx; see docs/model-contract.md). Resolved from
 * this module's location, so it works from `dist/` and from `src/` alike.
 */
export const fashionModelDir: string = fileURLToPath(new URL('../model', import.meta.url));

/**
 * The judge shipped beside the model (not part of it): a small Fashion-MNIST CNN, input
 * `images` float32 `[b, 32, 32]` greyscale in `[0, 1]`, outputs `features` `[b, 64]` (for FID)
 * and `logits` `[b, 10]` (class in {@link fashionLabels} order).
 */
export const fashionClassifierPath: string = fileURLToPath(
  new URL('../eval/classifier.onnx', import.meta.url),
);

/** The ten prompts the model knows, in Fashion-MNIST's label order (0 = t-shirt/top … 9 = ankle boot). */
export const fashionLabels: readonly string[] = [
  'a t-shirt',
  'a trouser',
  'a pullover',
  'a dress',
  'a coat',
  'a sandal',
  'a shirt',
  'a sneaker',
  'a bag',
  'an ankle boot',
];
