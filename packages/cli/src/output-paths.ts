/**
 * Where image `index` of `count` goes: `--out` itself for one image, otherwise the index
 * before the extension (`out.png` → `out-0.png`, `out-1.png`, …).
 */
export function outputPath(out: string, index: number, count: number): string {
  if (count === 1) return out;
  const dot = out.toLowerCase().endsWith('.png') ? out.length - 4 : out.length;
  return `${out.slice(0, dot)}-${index}${out.slice(dot) || '.png'}`;
}
