/**
 * `pnpm bench:batch`: what continuous batching buys in-process. For 1, 4, 16 and 32
 * concurrent generations (each a worker running its share one after another), batched
 * (forward passes merged, `maxBatchRows` 32, and 8) and unbatched (`maxBatchRows` 1: every pass its
 * own onnxruntime call, as before batching), on the shipped model with its default
 * decoding: images per minute and p50/p95 latency. Configurations are interleaved round by
 * round (order reversed every other round) so all see the same machine; ratios are taken
 * within a round against that round's one-at-a-time run. The same requests run batched and
 * unbatched, so the run also counts how many batched images differ from unbatched ones
 * (float noise of the merged shapes flipping a sampled token). Peak RSS at 32 concurrent
 * comes from child processes, one per `maxBatchRows`. Writes bench/results/batch.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePrompt, generate, OnnxLogitsProvider } from '@sjd/backend-node';
import { heldOutCaptions, shippedModelDir } from '@sjd/shapes';
import { Command } from 'commander';

const options = new Command('bench:batch')
  .option('--rounds <n>', 'interleaved rounds', (v) => Number.parseInt(v, 10), 5)
  .option('--model <dir>', 'model folder (default: the shipped model)')
  .option(
    '--concurrency <list>',
    'concurrent generations to measure (1 is always added)',
    '1,4,16,32',
  )
  .option(
    '--decoding <d>',
    'default (the shipped defaults), ar, or an SJD window such as 4; results then go to batch-<d>.json',
    'default',
  )
  .option('--memory-child <maxBatchRows>', 'internal: measure peak RSS at 32 concurrent', (v) =>
    Number.parseInt(v, 10),
  )
  .parse()
  .opts<{
    rounds: number;
    model?: string;
    concurrency: string;
    decoding: string;
    memoryChild?: number;
  }>();
const decoding =
  options.decoding === 'default'
    ? undefined
    : options.decoding === 'ar'
      ? { method: 'ar' as const }
      : { method: 'sjd' as const, window: Number.parseInt(options.decoding, 10) };

const CONCURRENCY = [
  ...new Set([1, ...options.concurrency.split(',').map((c) => Number.parseInt(c, 10))]),
].sort((a, b) => a - b);
const MEMORY_ROWS = [1, 8, 32];
const captions = heldOutCaptions();
const load = (maxBatchRows: number) =>
  OnnxLogitsProvider.load({ modelDir: options.model ?? shippedModelDir, maxBatchRows });

interface Run {
  ms: number;
  latencies: number[];
  tokens: string[];
}

/** `images` generations, `concurrency` at a time, request i always the same caption and seed. */
async function runWave(
  model: OnnxLogitsProvider,
  concurrency: number,
  images: number,
  round: number,
): Promise<Run> {
  const latencies: number[] = [];
  const tokens: string[] = new Array(images);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < images) {
      const i = next++;
      const prompt = encodePrompt(model.manifest, captions[(round * 7 + i) % captions.length]!);
      const sampling = model.manifest.sampling;
      const t = performance.now();
      const result = await generate({
        provider: model,
        prompt: prompt.conditional,
        ...(sampling.cfgScale !== 1 && { unconditionalPrompt: prompt.unconditional }),
        seed: round * 1000 + i,
        sampling,
        ...(decoding && { decoding }),
      });
      latencies.push(performance.now() - t);
      tokens[i] = result.images[0]!.tokens.join(',');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: performance.now() - started, latencies, tokens };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo]! + (sorted[Math.ceil(at)]! - sorted[lo]!) * (at - lo);
}

if (options.memoryChild !== undefined) {
  // A fresh process: its peak RSS is this run's.
  const model = await load(options.memoryChild);
  const before = process.memoryUsage().rss;
  await runWave(model, 1, 2, 99); // warm up onnxruntime's arena at one row
  const warm = process.memoryUsage().rss;
  await runWave(model, 32, 32, 98);
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    `${JSON.stringify({
      maxBatchRows: options.memoryChild,
      rssAfterLoadMb: before / 2 ** 20,
      rssWarmMb: warm / 2 ** 20,
      peakRssMb: peak / 2 ** 20,
      peakRows: model.batcher?.peakRows ?? 1,
    })}\n`,
  );
  await model.release();
  process.exit(0);
}

const out = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
const models = { batched: await load(32), 'batched-8': await load(8), unbatched: await load(1) };
const modes = ['unbatched', 'batched-8', 'batched'] as const;
type Mode = (typeof modes)[number];
const configs = CONCURRENCY.flatMap((c) => modes.map((mode) => ({ concurrency: c, mode })));
const imagesFor = (c: number) => Math.max(c, 8);
const results = new Map<string, { perMinute: number[]; latencies: number[]; calls: number }>();
const key = (c: number, mode: Mode) => `${c}/${mode}`;
let differing = 0;
let compared = 0;
const started = performance.now();
for (const mode of modes) await runWave(models[mode], 4, 8, 9999); // warm-up, not counted
for (let round = 0; round < options.rounds; round++) {
  const order = round % 2 ? [...configs].reverse() : configs;
  const tokens = new Map<string, string[]>();
  for (const { concurrency, mode } of order) {
    const model = models[mode];
    const callsBefore = model.batcher?.calls ?? 0;
    const run = await runWave(model, concurrency, imagesFor(concurrency), round);
    const entry = results.get(key(concurrency, mode)) ?? { perMinute: [], latencies: [], calls: 0 };
    entry.perMinute.push((run.latencies.length / run.ms) * 60_000);
    entry.latencies.push(...run.latencies);
    entry.calls += (model.batcher?.calls ?? 0) - callsBefore;
    results.set(key(concurrency, mode), entry);
    tokens.set(key(concurrency, mode), run.tokens);
  }
  for (const c of CONCURRENCY) {
    const b = tokens.get(key(c, 'unbatched'))!;
    for (const mode of ['batched', 'batched-8'] as const) {
      const a = tokens.get(key(c, mode))!;
      for (let i = 0; i < a.length; i++) {
        compared++;
        if (a[i] !== b[i]) differing++;
      }
    }
  }
  process.stderr.write(
    `bench:batch: round ${round + 1}/${options.rounds}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

const base = results.get(key(1, 'unbatched'))!;
const baseP50 = quantile(base.latencies, 0.5);
const rows = configs.map(({ concurrency, mode }) => {
  const r = results.get(key(concurrency, mode))!;
  // Per-round throughput ratio against the same round's one-at-a-time run.
  const ratios = r.perMinute.map((v, i) => v / base.perMinute[i]!);
  return {
    concurrency,
    batched: mode !== 'unbatched',
    maxBatchRows: mode === 'batched' ? 32 : mode === 'batched-8' ? 8 : 1,
    imagesPerMinute: quantile(r.perMinute, 0.5),
    imagesPerMinuteMin: Math.min(...r.perMinute),
    imagesPerMinuteMax: Math.max(...r.perMinute),
    throughputVsOne: quantile(ratios, 0.5),
    throughputVsOneMin: Math.min(...ratios),
    throughputVsOneMax: Math.max(...ratios),
    p50Ms: quantile(r.latencies, 0.5),
    p95Ms: quantile(r.latencies, 0.95),
    p50VsOne: quantile(r.latencies, 0.5) / baseP50,
    imagesPerRound: imagesFor(concurrency),
    forwardCallsPerImage:
      mode === 'batched' ? r.calls / (imagesFor(concurrency) * options.rounds) : null,
  };
});
console.table(
  rows.map((r) => ({
    concurrent: r.concurrency,
    maxBatchRows: r.maxBatchRows,
    'images/min': `${r.imagesPerMinute.toFixed(0)} (${r.imagesPerMinuteMin.toFixed(0)}–${r.imagesPerMinuteMax.toFixed(0)})`,
    'vs one': `${r.throughputVsOne.toFixed(2)}× (${r.throughputVsOneMin.toFixed(2)}–${r.throughputVsOneMax.toFixed(2)})`,
    'p50 ms': r.p50Ms.toFixed(0),
    'p95 ms': r.p95Ms.toFixed(0),
    'p50 vs one': `${r.p50VsOne.toFixed(2)}×`,
  })),
);
const memory = MEMORY_ROWS.map((n) =>
  JSON.parse(
    execFileSync(process.execPath, [
      fileURLToPath(import.meta.url),
      '--memory-child',
      String(n),
      ...(options.model ? ['--model', options.model] : []),
      '--decoding',
      options.decoding,
    ]).toString(),
  ),
);
console.table(
  memory.map((m) => ({
    maxBatchRows: m.maxBatchRows,
    'peak rows': m.peakRows,
    'RSS after load MB': m.rssAfterLoadMb.toFixed(0),
    'peak RSS at 32 concurrent MB': m.peakRssMb.toFixed(0),
  })),
);
console.log('merged calls per KV layout (docs/kv-cache.md):', {
  32: models.batched.batchLayouts,
  8: models['batched-8'].batchLayouts,
});
console.log(
  `batched images that differ from unbatched (same caption and seed): ${differing} of ${compared}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
mkdirSync(out, { recursive: true });
writeFileSync(
  `${out}/${options.decoding === 'default' ? 'batch' : `batch-${options.decoding}`}.json`,
  `${JSON.stringify(
    {
      model: models.batched.manifest.name,
      decoding:
        options.decoding === 'default'
          ? 'default (sjd, window 16, above-distribution), manifest sampling'
          : `${options.decoding}, manifest sampling`,
      rounds: options.rounds,
      throughput: rows,
      tokensDiffering: { differing, compared },
      kvLayouts: {
        maxBatchRows32: models.batched.batchLayouts,
        maxBatchRows8: models['batched-8'].batchLayouts,
      },
      memoryAt32: memory,
    },
    null,
    2,
  )}\n`,
);
for (const model of Object.values(models)) await model.release();
