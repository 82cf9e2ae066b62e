import { BACKGROUND, IMAGE_BYTES, IMAGE_SIZE, PALETTE, type Scene } from './grammar.js';
import { cellCentre, shapeMask } from './shape-mask.js';

const BACKGROUND_IMAGE: Uint8Array = (() => {
  const img = new Uint8Array(IMAGE_BYTES);
  for (let i = 0; i < IMAGE_BYTES; i += 3) img.set(BACKGROUND, i);
  return img;
})();

/**
 * Renders a scene into a 64x64 RGB image (uint8, row-major HWC). Writes into `out` at
 * `offset` when given (so many images can share one big buffer), else into a new array.
 * Deterministic: the scene fully determines the pixels.
 */
export function renderScene(scene: Scene, out?: Uint8Array, offset = 0): Uint8Array {
  const target = out ?? new Uint8Array(IMAGE_BYTES);
  target.set(BACKGROUND_IMAGE, offset);
  for (const shape of scene.shapes) {
    const [cx, cy] = cellCentre(shape.cell);
    const mask = shapeMask(shape.kind, shape.size);
    const [r, g, b] = PALETTE[shape.colour];
    for (let i = 0; i < mask.area; i++) {
      const p = offset + ((cy + mask.dy[i]!) * IMAGE_SIZE + cx + mask.dx[i]!) * 3;
      target[p] = r;
      target[p + 1] = g;
      target[p + 2] = b;
    }
  }
  return target;
}
