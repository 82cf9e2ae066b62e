import { extname } from 'node:path';
import { InvalidArgumentError } from '@sjd/backend-node';

/** Rejects an `--out` whose extension promises another format than the PNG written. */
export function checkOutputPath(out: string): void {
  const extension = extname(out).toLowerCase();
  if (extension !== '' && extension !== '.png') {
    throw new InvalidArgumentError({
      field: 'out',
      allowed: 'a file name ending in .png (sjd writes PNG only)',
      received: out,
    });
  }
}

/**
 * Where image `index` of `count` goes: `--out` itself for one image, otherwise the index
 * before the extension (`out.png` → `out-0.png`, `out-1.png`, …).
 */
export function outputPath(out: string, index: number, count: number): string {
  if (count === 1) return out;
  const dot = out.toLowerCase().endsWith('.png') ? out.length - 4 : out.length;
  return `${out.slice(0, dot)}-${index}${out.slice(dot) || '.png'}`;
}

/** The files written, for a one-line summary: all of them up to three, else first … last. */
export function summarizePaths(paths: readonly string[]): string {
  if (paths.length <= 3) return paths.join(', ');
  return `${paths[0]} … ${paths[paths.length - 1]} (${paths.length} files)`;
}
