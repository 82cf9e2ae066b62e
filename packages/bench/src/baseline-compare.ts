/**
 * `pnpm bench:baseline --baseline <checkout>`: does a change cost time per image? Runs every
 * method of the quick benchmark plan twice in one run, once from this tree and once from
 * another built checkout (e.g. the commit before a refactor: `git worktree add /tmp/base
 * <commit> && cd /tmp/base && pnpm install && pnpm build`), each in a process of its own,
 * interleaved in rounds (every round: one caption, all its seeds, every process once, the
 * starting method rotating, a method's two trees back to back with the first alternating). Per method it reports this tree's ms per image over the
 * baseline's, per round, as median and interquartile range, and whether both trees decoded
 * the same tokens in the same number of steps (they should, seed for seed, for a refactor).
 * Writes bench/results/baseline.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { benchPrompts, configLabel, methodConfigs } from './bench-plan.js';
import { MethodProcess } from './method-process.js';
import { quartiles, type RoundMeasurement } from './round-measurement.js';

const options = new Command('bench:baseline')
  .requiredOption('--baseline <dir>', 'root of another built checkout of this repository')
  .option('--rounds <n>', 'rounds (held-out captions)', '16')
  .option('--seeds <n>', 'seeds (images) per round and method', '4')
  .option('--tolerance <fraction>', 'largest allowed |median ratio − 1|', '0.03')
  .option(
    '--out <dir>',
    'results folder',
    fileURLToPath(new URL('../../../bench/results/', import.meta.url)),
  )
  .parse()
  .opts<{ baseline: string; rounds: string; seeds: string; tolerance: string; out: string }>();

const rounds = Number(options.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 32) {
  throw new RangeError(`--rounds must be an integer from 1 to 32, got ${options.rounds}`);
}
const seedCount = Number(options.seeds);
if (!Number.isInteger(seedCount) || seedCount < 1 || seedCount > 8) {
  throw new RangeError(`--seeds must be an integer from 1 to 8, got ${options.seeds}`);
}
const tolerance = Number(options.tolerance);
if (!(tolerance > 0 && tolerance < 1)) {
  throw new RangeError(`--tolerance must be a fraction in (0, 1), got ${options.tolerance}`);
}
const baselineWorker = join(resolve(options.baseline), 'packages/bench/dist/worker.js');
if (!existsSync(baselineWorker)) {
  throw new Error(`--baseline: ${baselineWorker} does not exist; build that checkout first`);
}

const { captions: allCaptions, seeds } = benchPrompts(false);
const captions = allCaptions.slice(0, rounds);
const configs = methodConfigs(true);
const started = performance.now();
process.stderr.write(
  `bench:baseline: ${configs.length} methods × 2 trees × ${captions.length} rounds × ${seedCount} seeds\n`,
);
const roundSeeds = seeds.slice(0, seedCount);
const processes: { tree: 'this' | 'baseline'; config: number; process: MethodProcess }[] = [];
for (const [i, config] of configs.entries()) {
  for (const tree of ['this', 'baseline'] as const) {
    const label = `${configLabel(config)} (${tree})`;
    const worker = tree === 'baseline' ? baselineWorker : undefined;
    processes.push({
      tree,
      config: i,
      process: await MethodProcess.start(config, label, captions[0]!, { worker }),
    });
  }
}
const measured: RoundMeasurement[][] = processes.map(() => []);
for (const [c, caption] of captions.entries()) {
  // Methods rotate from round to round; a method's two trees run back to back, the tree that
  // goes first alternating by round (the second of a pair was measured faster by itself).
  for (let k = 0; k < configs.length; k++) {
    const method = (c + k) % configs.length;
    for (const tree of c % 2 === 0 ? [0, 1] : [1, 0]) {
      const p = 2 * method + tree;
      measured[p]![c] = await processes[p]!.process.runRound(c, caption, roundSeeds);
    }
  }
  process.stderr.write(
    `bench:baseline: round ${c + 1}/${captions.length} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
  );
}
for (const p of processes) await p.process.finish();

const msPerImage = (r: RoundMeasurement) => r.decodeMs / r.images;
const rows = configs.map((config, i) => {
  const mine = measured[processes.findIndex((p) => p.config === i && p.tree === 'this')]!;
  const base = measured[processes.findIndex((p) => p.config === i && p.tree === 'baseline')]!;
  const ratio = quartiles(mine.map((r, c) => msPerImage(r) / msPerImage(base[c]!)));
  const total = (rs: RoundMeasurement[], f: (r: RoundMeasurement) => number) =>
    rs.reduce((a, r) => a + f(r), 0);
  return {
    label: configLabel(config),
    msPerImage: total(mine, (r) => r.decodeMs) / total(mine, (r) => r.images),
    baselineMsPerImage: total(base, (r) => r.decodeMs) / total(base, (r) => r.images),
    ratio: ratio.median,
    ratioP25: ratio.p25,
    ratioP75: ratio.p75,
    sameSteps: mine.every((r, c) => r.steps === base[c]!.steps && r.tokens === base[c]!.tokens),
  };
});
const met = rows.every((r) => Math.abs(r.ratio - 1) <= tolerance);
console.table(
  rows.map((r) => ({
    method: r.label,
    'ms/img this': r.msPerImage.toFixed(1),
    'ms/img baseline': r.baselineMsPerImage.toFixed(1),
    'this / baseline (median, IQR)': `${r.ratio.toFixed(3)} (${r.ratioP25.toFixed(3)}–${r.ratioP75.toFixed(3)})`,
    'same steps': r.sameSteps ? 'yes' : 'NO',
  })),
);
console.log(
  `${met ? 'MET ' : 'MISS'}  every method within ${(tolerance * 100).toFixed(0)}% of the baseline's ms per image (median of per-round ratios); load average ${loadavg()[0]!.toFixed(2)}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
mkdirSync(options.out, { recursive: true });
const file = join(options.out, 'baseline.json');
writeFileSync(
  file,
  `${JSON.stringify({ baseline: resolve(options.baseline), rounds, seeds: seedCount, tolerance, met, rows }, null, 2)}\n`,
);
console.log(`wrote ${file}`);
