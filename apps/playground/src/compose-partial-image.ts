/** Grey for image cells that are not decided yet. */
export const UNDECIDED_GREY: readonly [number, number, number] = [160, 160, 168];

/**
 * RGBA pixels of an image whose cells are partly decided: decoded RGB where the cell's
 * token is committed, flat grey elsewhere. `decided[c]` is ≥ 0 for a committed cell in
 * raster order over a `gridWidth × gridHeight` grid covering `width × height` pixels.
 */
export function composePartialImage(
  rgb: Uint8Array,
  decided: Int32Array,
  grid: { readonly gridWidth: number; readonly gridHeight: number },
  width: number,
  height: number,
): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(width * height * 4);
  const cellWidth = width / grid.gridWidth;
  const cellHeight = height / grid.gridHeight;
  for (let y = 0; y < height; y++) {
    const row = Math.min(grid.gridHeight - 1, Math.floor(y / cellHeight));
    for (let x = 0; x < width; x++) {
      const cell = row * grid.gridWidth + Math.min(grid.gridWidth - 1, Math.floor(x / cellWidth));
      const p = y * width + x;
      const known = decided[cell]! >= 0;
      rgba[p * 4] = known ? rgb[p * 3]! : UNDECIDED_GREY[0];
      rgba[p * 4 + 1] = known ? rgb[p * 3 + 1]! : UNDECIDED_GREY[1];
      rgba[p * 4 + 2] = known ? rgb[p * 3 + 2]! : UNDECIDED_GREY[2];
      rgba[p * 4 + 3] = 255;
    }
  }
  return rgba;
}
