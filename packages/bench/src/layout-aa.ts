/**
 * `pnpm --filter @sjd/bench bench:aa`: an A/A check of the benchmark's process layout. Two
 * copies of vanilla AR and two of SJD (L=16, vertical) run interleaved in rounds, once with
 * each copy in a process of its own (`--isolate`'s layout) and once with all four taking turns
 * in one process (the default). Identical copies should time alike: the ratio of copy 2 to
 * copy 1 (median of per-round ratios) shows how far the layout alone moves a method. Prints a
 * table and writes bench/results/layout-aa.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { benchPrompts, type MethodConfig } from './bench-plan.js';
import { MethodProcess } from './method-process.js';
import { quartiles } from './round-measurement.js';

const options = new Command('bench:aa')
  .option('--rounds <n>', 'rounds (held-out captions)', '16')
  .option('--threads <n>', "onnxruntime threads per process (0: onnxruntime's choice)", '0')
  .option(
    '--out <dir>',
    'results folder',
    fileURLToPath(new URL('../../../bench/results/', import.meta.url)),
  )
  .parse()
  .opts<{ rounds: string; threads: string; out: string }>();

const ar: MethodConfig = { method: 'ar', window: 1, init: null };
const sjd: MethodConfig = { method: 'sjd', window: 16, init: 'vertical' };
const copies = [ar, ar, sjd, sjd];
const names = ['ar #1', 'ar #2', 'sjd #1', 'sjd #2'];
const { captions } = benchPrompts(false, 'shapes', { rounds: Number(options.rounds), seeds: 2 });
const seeds = [0, 1];
const threads = Number(options.threads) > 0 ? Number(options.threads) : undefined;

/** ms per image of every copy in every round, under one layout. */
async function measure(layout: 'isolated' | 'shared'): Promise<number[][]> {
  const hosts =
    layout === 'shared'
      ? [await MethodProcess.start(copies, names.join(' | '), captions[0]!, { threads })]
      : await Promise.all(
          copies.map((c, i) => MethodProcess.start(c, names[i]!, captions[0]!, { threads })),
        );
  const ms: number[][] = copies.map(() => []);
  for (const [r, caption] of captions.entries()) {
    for (let k = 0; k < copies.length; k++) {
      const i = (r + k) % copies.length;
      const m =
        layout === 'shared'
          ? await hosts[0]!.runRound(r, caption, seeds, i)
          : await hosts[i]!.runRound(r, caption, seeds);
      ms[i]![r] = m.decodeMs / m.images;
    }
  }
  for (const host of hosts) await host.finish();
  return ms;
}

const rows = [];
for (const layout of ['isolated', 'shared'] as const) {
  process.stderr.write(`bench:aa: ${layout}\n`);
  const ms = await measure(layout);
  const ratio = (a: number, b: number) => quartiles(ms[a]!.map((x, r) => x / ms[b]![r]!));
  const arCopies = ratio(1, 0);
  const sjdCopies = ratio(3, 2);
  rows.push({
    layout,
    arCopy2OverCopy1: arCopies,
    sjdCopy2OverCopy1: sjdCopies,
    speedupCopy1: ratio(0, 2).median,
    speedupCopy2: ratio(1, 3).median,
  });
}
const fmt = (q: { p25: number; median: number; p75: number }) =>
  `${q.median.toFixed(3)} (${q.p25.toFixed(2)}–${q.p75.toFixed(2)})`;
console.table(
  rows.map((r) => ({
    layout: r.layout,
    'ar copy 2 / copy 1': fmt(r.arCopy2OverCopy1),
    'sjd copy 2 / copy 1': fmt(r.sjdCopy2OverCopy1),
    'speed-up, copies 1 | 2': `${r.speedupCopy1.toFixed(2)}× | ${r.speedupCopy2.toFixed(2)}×`,
  })),
);
mkdirSync(options.out, { recursive: true });
const file = join(options.out, 'layout-aa.json');
writeFileSync(
  file,
  `${JSON.stringify({ rounds: captions.length, seeds: seeds.length, threads: threads ?? 'onnxruntime default', rows }, null, 2)}\n`,
);
console.log(`wrote ${file}`);
