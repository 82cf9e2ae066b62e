/**
 * `pnpm bench`: on the shipped model, CPU, one run: vanilla AR, greedy Jacobi and SJD with
 * every initialiser at L ∈ {8, 16, 32}, on a fixed set of held-out captions × seeds. Each
 * method runs in its own process (its peak RSS is its own), one after another. Speed-ups
 * are against vanilla AR measured in this same run.
 * Writes bench/results/latest.json and bench/results/latest.svg.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { barChartSvg } from './bar-chart-svg.js';
import { benchPrompts, configLabel, type MethodConfig, methodConfigs } from './bench-plan.js';
import type { MethodMeasurement } from './measure-method.js';

const options = new Command('bench')
  .option('--quick', 'a run under two minutes: fewer captions, seeds and windows')
  .option('--model <dir>', 'model folder (default: the shipped model)')
  .option(
    '--out <dir>',
    'results folder',
    fileURLToPath(new URL('../../../bench/results/', import.meta.url)),
  )
  .parse()
  .opts<{ quick?: boolean; model?: string; out: string }>();

const quick = options.quick ?? false;
const { captions, seeds } = benchPrompts(quick);
const worker = fileURLToPath(new URL('./worker.js', import.meta.url));

async function measure(config: MethodConfig): Promise<MethodMeasurement> {
  const job = JSON.stringify({
    config,
    captions,
    seeds,
    ...(options.model ? { modelDir: options.model } : {}),
  });
  const { stdout } = await promisify(execFile)(process.execPath, [worker, job], {
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as MethodMeasurement;
}

const started = performance.now();
process.stderr.write(
  `bench: ${captions.length} held-out captions × ${seeds.length} seeds per method${quick ? ' (quick)' : ''}\n`,
);
const results: { config: MethodConfig; m: MethodMeasurement }[] = [];
for (const config of methodConfigs(quick)) {
  const m = await measure(config);
  process.stderr.write(
    `bench: ${configLabel(config)} done (${(m.decodeMs / m.images).toFixed(0)} ms/image)\n`,
  );
  results.push({ config, m });
}
const baseline = results[0]!.m;
const baselineMs = baseline.decodeMs / baseline.images;
const rows = results.map(({ config, m }) => ({
  method: config.method,
  window: config.window,
  init: config.init,
  images: m.images,
  stepsPerImage: m.steps / m.images,
  stepCompression: m.tokens / m.steps,
  msPerImage: m.decodeMs / m.images,
  speedup: baselineMs / (m.decodeMs / m.images),
  adherence: m.adherence,
  diversity: m.diversity,
  peakRssMb: m.peakRssMb,
  meanAcceptedDrafts: m.meanAcceptedDrafts,
  modelShare: m.providerMs / m.decodeMs,
  acceptanceByPosition: m.acceptanceByPosition,
}));

console.table(
  rows.map((r) => ({
    method: configLabel(r),
    images: r.images,
    'steps/img': r.stepsPerImage.toFixed(1),
    'step compr.': `${r.stepCompression.toFixed(2)}×`,
    'ms/img': r.msPerImage.toFixed(0),
    'speed-up': `${r.speedup.toFixed(2)}×`,
    adherence: `${(r.adherence * 100).toFixed(1)}%`,
    diversity: r.diversity.toFixed(3),
    'peak RSS MB': r.peakRssMb.toFixed(0),
  })),
);
const sjd = rows.filter((r) => r.method === 'sjd');
const best = sjd.reduce((a, b) => (b.speedup > a.speedup ? b : a));
const ar = rows[0]!;
const jacobi = rows.find((r) => r.method === 'jacobi')!;
const checks = [
  [
    `best SJD (${configLabel(best)}) step compression ≥ 3×`,
    best.stepCompression >= 3,
    `${best.stepCompression.toFixed(2)}×`,
  ],
  [`best SJD wall-clock speed-up ≥ 2×`, best.speedup >= 2, `${best.speedup.toFixed(2)}×`],
  [
    'SJD adherence within 3 points of AR (every SJD row)',
    sjd.every((r) => Math.abs(r.adherence - ar.adherence) <= 0.03),
    sjd.map((r) => `${(r.adherence * 100).toFixed(1)}`).join(' '),
  ],
  [
    'SJD diversity within 10% of AR (every SJD row)',
    sjd.every((r) => Math.abs(r.diversity - ar.diversity) <= 0.1 * ar.diversity),
    sjd.map((r) => r.diversity.toFixed(3)).join(' '),
  ],
  [
    'greedy Jacobi diversity collapses (< 10% of AR)',
    jacobi.diversity < 0.1 * ar.diversity,
    jacobi.diversity.toFixed(3),
  ],
  [
    'peak RSS of one method run < 500 MB',
    rows.every((r) => r.peakRssMb < 500),
    `${Math.max(...rows.map((r) => r.peakRssMb)).toFixed(0)} MB`,
  ],
] as const;
for (const [name, ok, value] of checks) console.log(`${ok ? 'PASS' : 'MISS'}  ${name}: ${value}`);
console.log(
  `AR adherence ${(ar.adherence * 100).toFixed(1)}%, diversity ${ar.diversity.toFixed(3)}; total ${((performance.now() - started) / 1000).toFixed(0)} s`,
);

mkdirSync(options.out, { recursive: true });
writeFileSync(`${options.out}/latest.json`, `${JSON.stringify(rows, null, 2)}\n`);
writeFileSync(
  `${options.out}/latest.svg`,
  barChartSvg({
    title: `Step compression and wall-clock speed-up over vanilla AR (${captions.length * seeds.length} images per method, CPU)`,
    series: ['step compression', 'wall-clock speed-up'],
    groups: rows.map((r) => ({ label: configLabel(r), values: [r.stepCompression, r.speedup] })),
    unit: '×',
  }),
);
console.log(`wrote ${options.out}latest.json and latest.svg`);
