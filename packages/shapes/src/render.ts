import { plainAppearance } from './appearance.js';
import { type Appearance, IMAGE_BYTES, IMAGE_SIZE, PALETTE, type Scene } from './grammar.js';
import { cellCentre, shapeMask } from './shape-mask.js';

/**
 * Renders a scene into a 64x64 RGB image (uint8, row-major HWC), as it looks under
 * `appearance` (background grey and shape offsets; the plain look when omitted). Writes into
 * `out` at `offset` when given (so many images can share one big buffer), else into a new
 * array. Deterministic: scene and appearance fully determine the pixels.
 */
export function renderScene(
  scene: Scene,
  out?: Uint8Array,
  offset = 0,
  appearance: Appearance = plainAppearance(scene),
): Uint8Array {
  if (appearance.offsets.length !== scene.shapes.length) {
    throw new RangeError(
      `appearance has ${appearance.offsets.length} offsets for ${scene.shapes.length} shapes`,
    );
  }
  const target = out ?? new Uint8Array(IMAGE_BYTES);
  target.fill(appearance.background, offset, offset + IMAGE_BYTES);
  scene.shapes.forEach((shape, s) => {
    const [cx, cy] = cellCentre(shape.cell);
    const [ox, oy] = appearance.offsets[s]!;
    const mask = shapeMask(shape.kind, shape.size);
    const [r, g, b] = PALETTE[shape.colour];
    for (let i = 0; i < mask.area; i++) {
      const p = offset + ((cy + oy + mask.dy[i]!) * IMAGE_SIZE + cx + ox + mask.dx[i]!) * 3;
      target[p] = r;
      target[p + 1] = g;
      target[p + 2] = b;
    }
  });
  return target;
}
