import { PNG } from 'pngjs';

/** RGB bytes (row-major, 3 per pixel) → a PNG file, optionally scaled up by whole pixels. */
export function encodePng(rgb: Uint8Array, width: number, height: number, scale = 1): Buffer {
  const png = new PNG({ width: width * scale, height: height * scale });
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const from = (Math.floor(y / scale) * width + Math.floor(x / scale)) * 3;
      const to = (y * width * scale + x) * 4;
      png.data[to] = rgb[from]!;
      png.data[to + 1] = rgb[from + 1]!;
      png.data[to + 2] = rgb[from + 2]!;
      png.data[to + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
