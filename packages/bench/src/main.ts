/**
 * `pnpm bench`: on the shipped model, CPU, one run: vanilla AR, greedy Jacobi and SJD with
 * every initialiser at L ∈ {8, 16, 32}, on a fixed set of held-out captions × seeds. Each
 * method runs in a process of its own (its peak RSS is its own), all loaded at once and
 * driven in rounds: every round is one caption, all its seeds, every method once, the
 * starting method rotating from round to round. A load spike on this shared machine thus
 * slows all methods of a round alike; wall-clock speed-ups over vanilla AR are taken per
 * round and reported as their median and interquartile range.
 * `--model fashion-v1` runs the same plan on the Fashion-MNIST model: its ten class prompts,
 * judged by the shipped classifier (accuracy: the image shows the asked class), plus FID
 * against the 10 000 test images on the classifier's features, with bootstrap standard errors.
 * Writes bench/results/latest.json, latest.svg and acceptance.svg for the default model
 * (shapes-v2), latest-<model>.json/.svg and acceptance-<model>.svg for another.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@sjd/backend-node';
import {
  bootstrapFrechet,
  FashionJudge,
  type FeatureStats,
  featureStats,
  readFashionSplit,
} from '@sjd/fashion';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { Command } from 'commander';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { barChartSvg } from './bar-chart-svg.js';
import {
  benchPrompts,
  configLabel,
  type MethodConfig,
  methodConfigs,
  pacConfigs,
  peerConfigs,
  resolveBenchModel,
} from './bench-plan.js';
import { lineChartSvg } from './line-chart-svg.js';
import { MethodProcess } from './method-process.js';
import { compareQuality, poolSamples, type QualitySample } from './quality-comparison.js';
import {
  combineRounds,
  type MethodMeasurement,
  type RoundMeasurement,
  speedupByRound,
} from './round-measurement.js';

const options = new Command('bench')
  .option('--quick', 'a run under two minutes: fewer captions, seeds and windows')
  .option(
    '--model <name|dir>',
    'shipped model name (shapes-v2, fashion-v1) or model folder (default: shapes-v2)',
  )
  .option('--rounds <n>', 'rounds (prompts) instead of the default 32 (fashion: 30)', Number)
  .option('--seeds <n>', 'seeds per prompt instead of the default 8', Number)
  .option('--isolate', 'time each method in a process of its own (steadier memory, noisier ratios)')
  .option(
    '--threads <n>',
    "onnxruntime intra-op threads per method process (default: onnxruntime's choice, every core)",
    Number,
  )
  .option(
    '--plan <plan>',
    "'full' (every method and initialiser) or 'pac' (SJD-PAC's proactive branches beside AR, the paper's SJD and the best exact mode; writes pac-<model>.json)",
    'full',
  )
  .option(
    '--out <dir>',
    'results folder',
    fileURLToPath(new URL('../../../bench/results/', import.meta.url)),
  )
  .parse()
  .opts<{
    quick?: boolean;
    model?: string;
    rounds?: number;
    seeds?: number;
    threads?: number;
    isolate?: boolean;
    plan: string;
    out: string;
  }>();
if (options.plan !== 'full' && options.plan !== 'pac') {
  throw new InvalidArgumentError({
    field: '--plan',
    allowed: 'full | pac',
    received: options.plan,
  });
}
const pac = options.plan === 'pac';

const quick = options.quick ?? false;
const benchModel = resolveBenchModel(options.model);
const fashion = benchModel.kind === 'fashion';
const { captions, seeds } = benchPrompts(quick, benchModel.kind, {
  ...(options.rounds ? { rounds: options.rounds } : {}),
  ...(options.seeds ? { seeds: options.seeds } : {}),
});
const configs = pac ? pacConfigs() : [...methodConfigs(quick), ...peerConfigs()];

const started = performance.now();
process.stderr.write(
  `bench: ${benchModel.name}, ${configs.length} methods × ${captions.length} rounds (${fashion ? 'class prompts' : 'held-out captions'}) × ${seeds.length} seeds${quick ? ' (quick)' : ''}\n`,
);
// Timing: by default the plan's methods take turns in one process, the peer comparison's
// in another, so that every ratio compares methods timed under the same process-wide
// conditions (two processes of identical code differ by up to 20 % here); peak RSS then
// comes from a short run of each method in a process of its own. `--isolate` times each
// method in its own process, as earlier versions did.
const hostKeys = configs.map((config, i) =>
  options.isolate ? `method ${i}` : config.cfgScale === undefined ? 'plan' : 'peers',
);
const hosts: { process: MethodProcess; configs: number[] }[] = [];
const hostOf: { process: MethodProcess; configs: number[] }[] = [];
for (const key of new Set(hostKeys)) {
  const hosted = configs.flatMap((_, i) => (hostKeys[i] === key ? [i] : []));
  const methods = hosted.map((i) => configs[i]!);
  const host = {
    configs: hosted,
    process: await MethodProcess.start(
      methods.length === 1 ? methods[0]! : methods,
      methods.map(configLabel).join(' | '),
      captions[0]!,
      { modelDir: benchModel.dir, threads: options.threads },
    ),
  };
  hosts.push(host);
  for (const i of hosted) hostOf[i] = host;
}
const rounds: RoundMeasurement[][] = configs.map(() => []);
for (const [c, caption] of captions.entries()) {
  for (let k = 0; k < configs.length; k++) {
    const i = (c + k) % configs.length; // each method starts a round equally often
    const host = hostOf[i]!;
    rounds[i]![c] = await host.process.runRound(c, caption, seeds, host.configs.indexOf(i));
  }
  process.stderr.write(
    `bench: round ${c + 1}/${captions.length} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
  );
}
const peakRss: number[] = [];
for (const host of hosts) {
  const rss = await host.process.finish();
  if (host.configs.length === 1) peakRss[host.configs[0]!] = rss;
}
for (const [i, config] of configs.entries()) {
  if (peakRss[i] !== undefined) continue;
  // One round of the method alone: its memory does not depend on how long the run is.
  const alone = await MethodProcess.start(config, configLabel(config), captions[0]!, {
    modelDir: benchModel.dir,
    threads: options.threads,
  });
  await alone.runRound(0, captions[0]!, seeds);
  peakRss[i] = await alone.finish();
}
const results: { config: MethodConfig; m: MethodMeasurement }[] = [];
for (const [i, config] of configs.entries()) {
  results.push({ config, m: combineRounds(rounds[i]!, peakRss[i]!) });
}
const baseline = results[0]!.m;
const baselineMs = baseline.decodeMs / baseline.images;
/** Median per-round speed-up over vanilla AR (the headline), its quartiles, and the ratio of totals. */
const speedups = (m: MethodMeasurement) => {
  const s = speedupByRound(m, baseline);
  const cpu =
    m.cpuMsPerImageByRound.length > 0 && baseline.cpuMsPerImageByRound.length > 0
      ? speedupByRound(m, baseline, 'cpu')
      : null;
  return {
    speedup: s.median,
    speedupP25: s.p25,
    speedupP75: s.p75,
    speedupOfTotals: baselineMs / (m.decodeMs / m.images),
    // The same ratio in CPU time: what the method saves in work, whatever else runs.
    ...(cpu
      ? {
          cpuMsPerImage:
            m.cpuMsPerImageByRound.reduce((a, b) => a + b, 0) / m.cpuMsPerImageByRound.length,
          cpuSpeedup: cpu.median,
          cpuSpeedupP25: cpu.p25,
          cpuSpeedupP75: cpu.p75,
        }
      : {}),
  };
};
// fashion: FID on the classifier's features against the 10 000 test images, with the
// bootstrap standard error of each row's generated set (seeded: the same run gives the same intervals).
let reference: FeatureStats | undefined;
if (fashion) {
  const judge = await FashionJudge.open();
  const test = readFashionSplit('test');
  reference = featureStats((await judge.judge(test.images)).map((j) => j.features));
  await judge.release();
}
const rng = xoroshiro128plus(12345);
const uniform = () => (rng.next() >>> 0) / 2 ** 32;
const fidOf = (features: readonly number[][]) =>
  reference && features.length > 2 ? bootstrapFrechet(features, reference, uniform) : null;
const baselineFid = fidOf(baseline.features);
const fidFields = (m: MethodMeasurement) => {
  const f = fidOf(m.features);
  if (!f || !baselineFid) return {};
  const se = Math.hypot(f.standardError, baselineFid.standardError);
  return {
    fid: f.fid,
    fidStandardError: f.standardError,
    fidDifference: {
      value: f.fid - baselineFid.fid,
      standardError: se,
      z: se > 0 ? Math.abs(f.fid - baselineFid.fid) / se : 0,
    },
  };
};
const sampleOf = (m: MethodMeasurement): QualitySample => ({
  holds: m.holds,
  diversityByCaption: m.diversityByCaption,
});
const allRows = results.map(({ config, m }) => ({
  quality: compareQuality(sampleOf(m), sampleOf(baseline)),
  sample: sampleOf(m),
  method: config.method,
  window: config.window,
  init: config.init,
  images: m.images,
  stepsPerImage: m.steps / m.images,
  stepCompression: m.tokens / m.steps,
  msPerImage: m.decodeMs / m.images,
  ...speedups(m),
  adherence: m.adherence,
  ...(fashion ? { accuracy: m.adherence } : {}),
  ...fidFields(m),
  diversity: m.diversity,
  peakRssMb: m.peakRssMb,
  meanAcceptedDrafts: m.meanAcceptedDrafts,
  branches: config.branches ?? 0,
  /** Steps that took a proactive branch, over all steps. */
  branchStepShare: m.branchStepShare,
  firstPositionAcceptance: m.acceptanceByPosition[0] ?? null,
  modelShare: m.providerMs / m.decodeMs,
  acceptanceByPosition: m.acceptanceByPosition,
  // Round by round, for other estimators and for checking this run's spread.
  byRound: {
    msPerImage: m.msPerImageByRound,
    cpuMsPerImage: m.cpuMsPerImageByRound,
    stepsPerImage: m.stepsPerImageByRound,
  },
  label: configLabel(config),
  redraft: config.redraft ?? null,
  cfgScale: config.cfgScale ?? null,
}));
const peers = allRows.filter((r) => r.cfgScale !== null);
const rows = allRows.filter((r) => r.cfgScale === null);
const points = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
console.table(
  rows.map((r) => ({
    method: r.label,
    images: r.images,
    'steps/img': r.stepsPerImage.toFixed(1),
    'step compr.': `${r.stepCompression.toFixed(2)}×`,
    'ms/img': r.msPerImage.toFixed(0),
    'speed-up (median, IQR)': `${r.speedup.toFixed(2)}× (${r.speedupP25.toFixed(2)}–${r.speedupP75.toFixed(2)})`,
    'CPU-time speed-up': 'cpuSpeedup' in r ? `${r.cpuSpeedup!.toFixed(2)}×` : 'n/a',
    [fashion ? 'accuracy' : 'adherence']: percent(r.adherence),
    ...('fid' in r && r.fid !== undefined
      ? { FID: `${r.fid.toFixed(2)} ± ${r.fidStandardError!.toFixed(2)}` }
      : {}),
    'adh. vs AR (pts ± se)': `${points(r.quality.adherenceDifference.value)} ± ${(r.quality.adherenceDifference.standardError * 100).toFixed(1)}`,
    diversity: r.diversity.toFixed(4),
    'div. vs AR (% ± se)': `${points(r.quality.diversityDifference.value)} ± ${(r.quality.diversityDifference.standardError * 100).toFixed(1)}`,
    'peak RSS MB': r.peakRssMb.toFixed(0),
    ...(pac
      ? {
          'first acc.':
            r.firstPositionAcceptance === null ? '' : percent(r.firstPositionAcceptance),
          'branch steps': percent(r.branchStepShare),
        }
      : {}),
  })),
);
const ar = rows[0]!;
const jacobi = rows.find((r) => r.method === 'jacobi');
const paper = rows.filter(
  (r) =>
    r.method === 'sjd' &&
    r.redraft === null &&
    r.branches === 0 &&
    r.init !== 'above-distribution' &&
    r.init !== 'context-frequency' &&
    r.window !== 'auto',
);
const lossless = rows.filter((r) => r.method === 'sjd');
const bestPaper = paper.reduce((a, b) => (b.speedup > a.speedup ? b : a));

const paperDefault = rows.find((r) => r.label === 'sjd L=16 random')!;
// The best lossless mode: the fastest in wall-clock time among those that reach both
// step-compression targets (all lossless rows when none does).
const compressive = lossless.filter(
  (r) => r.stepCompression >= 6 && r.stepCompression >= 1.5 * paperDefault.stepCompression,
);
const bestLossless = (compressive.length > 0 ? compressive : lossless).reduce((a, b) =>
  b.speedup > a.speedup ? b : a,
);
const [ourAr, peer] = peers;
// Every SJD row samples the same distribution as AR (the exactness suite proves it), so
// their pooled images judge "quality kept" with far less noise than any single row.
const pooled = compareQuality(poolSamples(lossless.map((r) => r.sample)), sampleOf(baseline));
const pooledImages = lossless.reduce((a, r) => a + r.images, 0);
// Two-sided 5% over all SJD rows and both measures (Bonferroni).
const zCritical = normalQuantile(1 - 0.05 / (4 * lossless.length), 0, 1);
const beyondNoise = lossless.filter(
  (r) => r.quality.adherenceDifference.z > zCritical || r.quality.diversityDifference.z > zCritical,
);
const within = (r: (typeof rows)[number]) =>
  Math.abs(r.quality.adherenceDifference.value) <= 0.03 &&
  Math.abs(r.quality.diversityDifference.value) <= 0.1;
const rowSe = lossless[0]!.quality.adherenceDifference.standardError;
// The issue's goal, on every model: our best exact mode (the fastest SJD row in wall clock)
// against the paper's SJD (random, L=16) measured in the same run.
const bestExact = lossless.reduce((a, b) => (b.speedup > a.speedup ? b : a));
const goalChecks: [string, boolean, string][] = [
  [
    `best exact mode (${bestExact.label}): step compression ≥ 2.1× the paper's SJD L=16 random (${paperDefault.stepCompression.toFixed(2)}×)`,
    bestExact.stepCompression >= 2.1 * paperDefault.stepCompression,
    `${(bestExact.stepCompression / paperDefault.stepCompression).toFixed(2)}× (${bestExact.stepCompression.toFixed(2)}×)`,
  ],
  [
    `best exact mode: wall-clock speed-up ≥ 1.9× the paper's SJD L=16 random (${paperDefault.speedup.toFixed(2)}×)`,
    bestExact.speedup >= 1.9 * paperDefault.speedup,
    `${(bestExact.speedup / paperDefault.speedup).toFixed(2)}× (${bestExact.speedup.toFixed(2)}×)`,
  ],
];
// fashion: FID of every SJD row and of all SJD images pooled, against AR's, within noise.
const fidChecks: [string, boolean, string][] = [];
if (reference && baselineFid) {
  const fidBeyond = lossless.filter((r) => 'fidDifference' in r && r.fidDifference!.z > zCritical);
  const pooledFid = fidOf(
    lossless.flatMap((r) => results.find((x) => configLabel(x.config) === r.label)!.m.features),
  )!;
  const pooledSe = Math.hypot(pooledFid.standardError, baselineFid.standardError);
  fidChecks.push(
    [
      `no SJD row's FID differs from AR's beyond sampling noise (|z| ≤ ${zCritical.toFixed(2)}; AR ${baselineFid.fid.toFixed(2)} ± ${baselineFid.standardError.toFixed(2)})`,
      fidBeyond.length === 0,
      fidBeyond.map((r) => r.label).join(', ') || 'none does',
    ],
    [
      'SJD rows pooled: FID within 2 standard errors of AR (pooled FID has less small-sample bias, so it sits a little lower)',
      Math.abs(pooledFid.fid - baselineFid.fid) <= 2 * pooledSe,
      `${pooledFid.fid.toFixed(2)} ± ${pooledFid.standardError.toFixed(2)} vs ${baselineFid.fid.toFixed(2)} ± ${baselineFid.standardError.toFixed(2)}`,
    ],
  );
}
const shapesChecks: [string, boolean, string][] = [
  [
    `paper's SJD, best (${bestPaper.label}): step compression ≥ 3×`,
    bestPaper.stepCompression >= 3,
    `${bestPaper.stepCompression.toFixed(2)}×`,
  ],
  [
    `paper's SJD, best: wall-clock speed-up ≥ 2×`,
    bestPaper.speedup >= 2,
    `${bestPaper.speedup.toFixed(2)}×`,
  ],
];
const what = fashion ? 'accuracy' : 'adherence';
const checks: [string, boolean, string][] = [
  ...(fashion ? [] : shapesChecks),
  [
    `SJD rows pooled (${pooledImages} images): ${what} within 3 points of AR`,
    Math.abs(pooled.adherenceDifference.value) <= 0.03,
    `${points(pooled.adherenceDifference.value)} ± ${(pooled.adherenceDifference.standardError * 100).toFixed(1)} points (${percent(pooled.adherence)} vs ${percent(ar.adherence)})`,
  ],
  [
    'SJD rows pooled: diversity within 10% of AR',
    Math.abs(pooled.diversityDifference.value) <= 0.1,
    `${points(pooled.diversityDifference.value)} ± ${(pooled.diversityDifference.standardError * 100).toFixed(1)}% (${pooled.diversity.toFixed(4)} vs ${ar.diversity.toFixed(4)})`,
  ],
  [
    `no SJD row differs from AR in ${what} or diversity beyond sampling noise (|z| ≤ ${zCritical.toFixed(2)}, Bonferroni 5%)`,
    beyondNoise.length === 0,
    beyondNoise.map((r) => r.label).join(', ') || 'none does',
  ],
  [
    `every SJD row's own estimate within 3 points and 10% of AR (one row's adherence difference has a standard error of ${(rowSe * 100).toFixed(1)} points)`,
    lossless.every(within),
    lossless
      .filter((r) => !within(r))
      .map((r) => r.label)
      .join(', ') || 'all',
  ],
  ...(jacobi
    ? [
        [
          'greedy Jacobi diversity collapses (< 10% of AR)',
          jacobi.diversity < 0.1 * ar.diversity,
          jacobi.diversity.toFixed(3),
        ] as [string, boolean, string],
      ]
    : []),
  ...fidChecks,
  ...goalChecks,
];
if (!fashion)
  checks.push(
    [
      `best lossless (${bestLossless.label}, the fastest reaching both compression targets): step compression ≥ 1.5× the paper's SJD L=16 random`,
      bestLossless.stepCompression >= 1.5 * paperDefault.stepCompression,
      `${(bestLossless.stepCompression / paperDefault.stepCompression).toFixed(2)}×`,
    ],
    [
      'best lossless: step compression ≥ 6× over vanilla AR',
      bestLossless.stepCompression >= 6,
      `${bestLossless.stepCompression.toFixed(2)}×`,
    ],
    [
      'best lossless: wall-clock speed-up ≥ 3× over vanilla AR',
      bestLossless.speedup >= 3,
      `${bestLossless.speedup.toFixed(2)}×`,
    ],
  );
checks.push([
  'peak RSS of every method run < 500 MB',
  allRows.every((r) => r.peakRssMb < 500),
  `${Math.max(...allRows.map((r) => r.peakRssMb)).toFixed(0)} MB max`,
]);
if (ourAr && peer) {
  checks.push([
    'vanilla AR through @sjd/backend-node no slower than transformers.js generate() (both without CFG)',
    ourAr.msPerImage <= peer.msPerImage,
    `${ourAr.msPerImage.toFixed(0)} vs ${peer.msPerImage.toFixed(0)} ms/image (${(peer.msPerImage / ourAr.msPerImage).toFixed(2)}×)`,
  ]);
}
for (const [name, ok, value] of checks) console.log(`${ok ? 'MET ' : 'MISS'}  ${name}: ${value}`);
console.log(
  `vanilla AR: adherence ${percent(ar.adherence)}, diversity ${ar.diversity.toFixed(3)}; peers (no CFG): ${peers.map((p) => `${p.label} ${p.msPerImage.toFixed(0)} ms/img, adherence ${percent(p.adherence)}`).join('; ')}; total ${((performance.now() - started) / 1000).toFixed(0)} s`,
);

mkdirSync(options.out, { recursive: true });
// The default model keeps the names the docs cite (latest.json); another model gets its name.
// --plan pac writes pac-<model>.* beside the full plan's files, never over them.
const suffix = benchModel.name === 'shapes-v2' ? '' : `-${benchModel.name}`;
const stem = pac ? `pac-${benchModel.name}` : `latest${suffix}`;
// The per-image verdicts stay out of the JSON (the quality comparison summarises them).
const writtenRows = [...rows, ...peers].map(({ sample: _sample, ...row }) => row);
writeFileSync(`${options.out}/${stem}.json`, `${JSON.stringify(writtenRows, null, 2)}\n`);
writeFileSync(
  `${options.out}/${stem}.svg`,
  barChartSvg({
    title: `Step compression and wall-clock speed-up over vanilla AR (${captions.length * seeds.length} images per method, CPU)`,
    series: ['step compression', 'wall-clock speed-up'],
    groups: rows.map((r) => ({ label: r.label, values: [r.stepCompression, r.speedup] })),
    unit: '×',
  }),
);
writeFileSync(
  `${options.out}/${pac ? `acceptance-${stem}` : `acceptance${suffix}`}.svg`,
  lineChartSvg({
    title: `SJD: acceptance rate by window position (${benchModel.name}, pnpm bench)`,
    xLabel: 'window position of the draft (1 = first)',
    yLabel: 'accepted / verified',
    lines: rows
      .filter((r) => r.method === 'sjd' && r.acceptanceByPosition.length > 0)
      .map((r) => ({ label: r.label, values: r.acceptanceByPosition })),
  }),
);
console.log(
  `wrote ${options.out}${stem}.json, ${stem}.svg and ${pac ? `acceptance-${stem}` : `acceptance${suffix}`}.svg`,
);
