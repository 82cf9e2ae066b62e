import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where Debian's dataset-fashion-mnist installs Zalando's files. */
export const fashionDatasetDir = '/usr/share/datasets/fashion-mnist';

/** One split of Fashion-MNIST, each image padded from 28×28 to the model's 32×32 frame. */
export interface FashionSplit {
  /** Greyscale bytes, 32×32 per image, row-major. */
  readonly images: Uint8Array[];
  readonly labels: Uint8Array;
}

function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  const raw = gunzipSync(readFileSync(path));
  const magic = raw.readUInt32BE(0);
  if (magic >> 8 !== 0x08) throw new RangeError(`${path}: not an unsigned-byte IDX file`);
  const ndim = magic & 0xff;
  const dims = Array.from({ length: ndim }, (_, i) => raw.readUInt32BE(4 + 4 * i));
  return { dims, data: new Uint8Array(raw.buffer, raw.byteOffset + 4 + 4 * ndim) };
}

/** Reads `train` (60 000) or `test` (10 000) images and labels, padded as the pipeline pads them. */
export function readFashionSplit(split: 'train' | 'test', dir = fashionDatasetDir): FashionSplit {
  const prefix = split === 'train' ? 'train' : 't10k';
  const img = readIdx(join(dir, `${prefix}-images-idx3-ubyte.gz`));
  const lab = readIdx(join(dir, `${prefix}-labels-idx1-ubyte.gz`));
  const [n, h, w] = img.dims as [number, number, number];
  if (lab.dims[0] !== n) throw new RangeError(`${split}: ${n} images but ${lab.dims[0]} labels`);
  const pad = (32 - h) / 2;
  const images: Uint8Array[] = [];
  for (let k = 0; k < n; k++) {
    const out = new Uint8Array(32 * 32);
    for (let y = 0; y < h; y++) {
      out.set(img.data.subarray(k * h * w + y * w, k * h * w + (y + 1) * w), (y + pad) * 32 + pad);
    }
    images.push(out);
  }
  return { images, labels: lab.data.slice(0, n) };
}
