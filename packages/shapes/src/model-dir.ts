import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the shipped model folder `packages/shapes/model` (manifest.json,
 * decoder.onnx, vq-decoder.onnx; see docs/model-contract.md). Resolved from this
 * module's location, so it works from `dist/` and from `src/` alike.
 */
export const shippedModelDir: string = fileURLToPath(new URL('../model', import.meta.url));
