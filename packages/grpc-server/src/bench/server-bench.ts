/**
 * `pnpm bench:server`: what the gRPC server serves, batched and unbatched, and what it
 * costs on top of in-process generation. Starts two `sjd serve` processes (and a third for the overhead) on loopback (one
 * with `--max-batch-rows`, concurrent generations merged into one forward pass per step;
 * one without, every generation decoding on its own, `--max-concurrent 32`) and, in this
 * process, loads the same model for the in-process baseline. Every round runs every
 * configuration once, in an order that rotates round to round (methods interleaved, so
 * load drift hits them alike): 1, 4, 16 and 32 concurrent clients (each its own
 * connection) on each server, and, for the overhead at one client, requests in process,
 * through the server (its default token-block interval, 16 ms), and through a third server
 * that sends a token block per step (`--block-interval-ms 0`), interleaved. Same request everywhere: one image, the server's default decoding
 * (`DEFAULT_DECODING`), the model's recommended sampling, its PNG. Measures images per
 * minute, p50/p95 request latency, the overhead at one client (per round, with its spread)
 * and the servers' peak RSS; prints a table and writes bench/results/server.json.
 *
 * `--model <name|folder>`: `shapes-v2` (default), `fashion-v1` or a model folder; results of
 * a model other than shapes-v2 go to bench/results/server-<name>.json.
 *
 * Environment: `SJD_MODEL_DIR` (the folder, when `--model` is not given), `SJD_BENCH_ROUNDS` (5),
 * `SJD_BENCH_BATCH_ROWS` (the batched server's `--max-batch-rows`, 8), `SJD_BENCH_THREADS`
 * (onnxruntime intra-op threads on every side, default one fewer than the CPUs: the
 * benchmark's own clients share the machine; a remote client would not).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_DECODING,
  encodePng,
  encodePrompt,
  generateStream,
  OnnxLogitsProvider,
} from '@sjd/backend-node';
import { SjdClient } from '@sjd/client';
import { benchCaption, benchModelDir } from './bench-model.js';
import { startServerProcess } from './server-process.js';

const CLIENTS = [1, 4, 16, 32] as const;
const ROUNDS = Number(process.env['SJD_BENCH_ROUNDS'] ?? 5);
const BATCH_ROWS = Number(process.env['SJD_BENCH_BATCH_ROWS'] ?? 8);
/** Interleaved in-process / server / server-every-step triples per round for the overhead. */
const PAIRS = 9;
const TARGETS = { throughput16vs1: 2.5, p50At16vs1: 2, overheadPct: 5 } as const;
/** What `pnpm serve` and `pnpm bench` (this process) run node with; see docs/grpc.md. */
const V8_FLAGS = ['--initial-old-space-size=64'];

/** Requests per configuration and round: enough that every client runs at least two. */
const requestsAt = (clients: number) => Math.max(8, 2 * clients);

const loadAtStart = loadavg()[0]!;
const modelDir = benchModelDir();
const threads = Number(process.env['SJD_BENCH_THREADS'] ?? Math.max(1, cpus().length - 1));
const model = await OnnxLogitsProvider.load({ modelDir, threads });
const CAPTION = benchCaption(model.manifest.name);
const prompt = encodePrompt(model.manifest, CAPTION);
const { pixelWidth, pixelHeight } = model.manifest.image;

/** The request in process: decode, then the PNG, as the server does. */
async function inProcess(seed: number): Promise<number> {
  const started = performance.now();
  for await (const event of generateStream({
    provider: model,
    prompt: prompt.conditional,
    unconditionalPrompt: prompt.unconditional,
    seed,
    sampling: model.manifest.sampling,
    decoding: DEFAULT_DECODING,
  })) {
    if (event.type === 'image-done')
      encodePng(await model.decodeImage(event.codes), pixelWidth, pixelHeight);
  }
  return performance.now() - started;
}

interface Server {
  readonly child: ChildProcess;
  /** One client per simulated user, each on its own connection. */
  readonly clients: SjdClient[];
  /** Highest resident set size seen, in MB, per configuration label. */
  readonly peakRss: Map<string, number>;
  rssAfterLoad: number;
}

/** `node dist/main.js` on a free loopback port; resolves once its model is loaded. */
async function startServer(flags: readonly string[]): Promise<Server> {
  const { child, port } = await startServerProcess(V8_FLAGS, [
    ...['--model', modelDir, '--max-queue', '64', '--threads', String(threads)],
    ...flags,
  ]);
  const clients = Array.from(
    { length: Math.max(...CLIENTS) },
    () =>
      new SjdClient({
        addresses: [`127.0.0.1:${port}`],
        channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
      }),
  );
  return { child, clients, peakRss: new Map(), rssAfterLoad: rssMb(child.pid!) };
}

/** A process's CPU time so far (user + system, every thread), in ms (Linux; 10 ms ticks). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** This process's CPU time so far, in ms. */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A process's resident set size now, in MB (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** The same request through a server, by client `c` (token blocks at most every `blockIntervalMs`). */
async function viaServer(
  server: Server,
  c: number,
  seed: number,
  blockIntervalMs = 0,
): Promise<number> {
  const started = performance.now();
  for await (const _ of server.clients[c]!.generate({ prompt: CAPTION, seed, blockIntervalMs })) {
    // every message read, as a client showing progress would
  }
  return performance.now() - started;
}

interface Run {
  readonly imagesPerMinute: number;
  readonly latencies: number[];
  /** The server's CPU time per image (every thread), in ms. */
  readonly serverCpuMs: number;
}

/** `requests` requests from `clients` concurrent clients; samples the server's RSS meanwhile. */
async function load(
  server: Server | undefined,
  label: string,
  clients: number,
  requests: number,
  seed0: number,
): Promise<Run> {
  const sampler =
    server &&
    setInterval(() => {
      const rss = rssMb(server.child.pid!);
      server.peakRss.set(label, Math.max(server.peakRss.get(label) ?? 0, rss));
    }, 50);
  let next = 0;
  const latencies: number[] = [];
  const cpuBefore = server ? cpuMsOf(server.child.pid!) : 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (next < requests) {
        const seed = seed0 + next++;
        latencies.push(await (server ? viaServer(server, c, seed) : inProcess(seed)));
      }
    }),
  );
  const wall = performance.now() - started;
  if (sampler) clearInterval(sampler);
  const serverCpuMs = server ? (cpuMsOf(server.child.pid!) - cpuBefore) / requests : 0;
  return { imagesPerMinute: (requests / wall) * 60_000, latencies, serverCpuMs };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo]! + (sorted[Math.ceil(at)]! - sorted[lo]!) * (at - lo);
}
const median = (values: readonly number[]) => quantile(values, 0.5);

const unbatched = await startServer(['--max-concurrent', '32']);
const batched = await startServer(['--max-batch-rows', String(BATCH_ROWS)]);
/** For the overhead: the unbatched server sending a token block per step (the old default). */
const everyStep = await startServer(['--max-concurrent', '32', '--block-interval-ms', '0']);
const servers = { batched, unbatched } as const;

type Config =
  | { readonly kind: 'server'; readonly batched: boolean; readonly clients: number }
  | { readonly kind: 'overhead' };
const configs: Config[] = [
  ...CLIENTS.flatMap((clients) =>
    [false, true].map((b) => ({ kind: 'server' as const, batched: b, clients })),
  ),
  { kind: 'overhead' },
];
const keyOf = (c: { batched: boolean; clients: number }) =>
  `${c.batched ? 'batched' : 'unbatched'}@${c.clients}`;
const runs = new Map<string, Run[]>();
const overheadRounds: number[] = [];
const everyStepOverheadRounds: number[] = [];
const cpuOverheadRounds: number[] = [];
const cpuEveryStepOverheadRounds: number[] = [];
const cpuPerImage: { inProcess: number; server: number; everyStep: number }[] = [];
const loadPerRound: number[] = [];

try {
  // Warm-up: JIT, onnxruntime arenas, every connection.
  for (let i = 0; i < 3; i++) await inProcess(i);
  for (const server of [unbatched, batched]) {
    await load(server, 'warm-up', 32, 32, 0);
  }
  await load(everyStep, 'warm-up', 1, 8, 0);
  let seed = 1000;
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round, and reverse it every other round.
    const order = configs.map((_, i) => configs[(i + round * 3) % configs.length]!);
    if (round % 2) order.reverse();
    for (const config of order) {
      if (config.kind === 'overhead') {
        const local: number[] = [];
        const remote: number[] = [];
        const perStep: number[] = [];
        // CPU time of each side: this process (in process; the client) plus the server's.
        const cpu = { local: 0, remote: 0, everyStep: 0 };
        const measured = async (side: keyof typeof cpu, run: () => Promise<number>) => {
          const own = ownCpuMs();
          const pid = (side === 'everyStep' ? everyStep : unbatched).child.pid!;
          const server = side === 'local' ? 0 : cpuMsOf(pid);
          const ms = await run();
          cpu[side] += ownCpuMs() - own + (side === 'local' ? 0 : cpuMsOf(pid) - server);
          return ms;
        };
        const sides = [
          (s: number) => measured('local', () => inProcess(s)).then((ms) => local.push(ms)),
          (s: number) =>
            measured('remote', () => viaServer(unbatched, 0, s)).then((ms) => remote.push(ms)),
          (s: number) =>
            measured('everyStep', () => viaServer(everyStep, 0, s)).then((ms) => perStep.push(ms)),
        ];
        for (let i = 0; i < PAIRS; i++) {
          const s = seed++;
          // Each side goes first, second and third equally often.
          for (let k = 0; k < sides.length; k++) await sides[(i + k) % sides.length]!(s);
        }
        overheadRounds.push((median(remote) / median(local) - 1) * 100);
        everyStepOverheadRounds.push((median(perStep) / median(local) - 1) * 100);
        cpuOverheadRounds.push((cpu.remote / cpu.local - 1) * 100);
        cpuEveryStepOverheadRounds.push((cpu.everyStep / cpu.local - 1) * 100);
        cpuPerImage.push({
          inProcess: cpu.local / PAIRS,
          server: cpu.remote / PAIRS,
          everyStep: cpu.everyStep / PAIRS,
        });
        continue;
      }
      const requests = requestsAt(config.clients);
      const key = keyOf(config);
      const server = servers[config.batched ? 'batched' : 'unbatched'];
      const run = await load(server, key, config.clients, requests, seed);
      seed += requests;
      runs.set(key, [...(runs.get(key) ?? []), run]);
    }
    loadPerRound.push(loadavg()[0]!);
    process.stderr.write(`round ${round + 1}/${ROUNDS} done (load ${loadavg()[0]!.toFixed(1)})\n`);
  }

  const throughput = CLIENTS.flatMap((clients) =>
    [false, true].map((b) => {
      const key = keyOf({ batched: b, clients });
      const rounds = runs.get(key)!;
      const perRound = rounds.map((r) => r.imagesPerMinute);
      const latencies = rounds.flatMap((r) => r.latencies);
      // Within each round against the same server's one client (same load).
      const one = runs.get(keyOf({ batched: b, clients: 1 }))!;
      const vsOne = rounds.map((r, i) => r.imagesPerMinute / one[i]!.imagesPerMinute);
      const p50VsOne = rounds.map((r, i) => median(r.latencies) / median(one[i]!.latencies));
      return {
        clients,
        batched: b,
        imagesPerMinute: median(perRound),
        imagesPerMinuteMin: Math.min(...perRound),
        imagesPerMinuteMax: Math.max(...perRound),
        p50Ms: median(latencies),
        p95Ms: quantile(latencies, 0.95),
        serverCpuMsPerImage: median(rounds.map((r) => r.serverCpuMs)),
        throughputVsOne: median(vsOne),
        p50VsOne: median(p50VsOne),
        requests: latencies.length,
      };
    }),
  );
  const row = (clients: number, b: boolean) =>
    throughput.find((t) => t.clients === clients && t.batched === b)!;
  const overheadPct = median(overheadRounds);
  const overheadPctEveryStep = median(everyStepOverheadRounds);
  const peakRssMb = {
    batched: batched.peakRss.get(keyOf({ batched: true, clients: 32 }))!,
    unbatched: unbatched.peakRss.get(keyOf({ batched: false, clients: 32 }))!,
    afterLoad: { batched: batched.rssAfterLoad, unbatched: unbatched.rssAfterLoad },
  };
  const checks = {
    throughput16vs1: {
      target: `≥ ${TARGETS.throughput16vs1}`,
      batched: row(16, true).throughputVsOne,
      unbatched: row(16, false).throughputVsOne,
      met: row(16, true).throughputVsOne >= TARGETS.throughput16vs1,
    },
    p50At16vs1: {
      target: `≤ ${TARGETS.p50At16vs1}`,
      batched: row(16, true).p50VsOne,
      unbatched: row(16, false).p50VsOne,
      met: row(16, true).p50VsOne <= TARGETS.p50At16vs1,
    },
    overheadPct: {
      target: `< ${TARGETS.overheadPct}`,
      value: overheadPct,
      met: overheadPct < TARGETS.overheadPct,
    },
  };
  const result = {
    model: model.manifest.name,
    // Relative to the repository: the results must not carry this machine's paths.
    modelDir: relative(fileURLToPath(new URL('../../../../', import.meta.url)), modelDir),
    cpus: cpus().length,
    loadAverage: { atStart: loadAtStart, atEnd: loadavg()[0]!, perRound: loadPerRound },
    request: {
      caption: CAPTION,
      decoding: DEFAULT_DECODING,
      sampling: model.manifest.sampling,
      images: 1,
    },
    servers: {
      process: 'separate (node dist/main.js), one connection per client',
      batched: `--max-batch-rows ${BATCH_ROWS} (admission: ${BATCH_ROWS} rows)`,
      unbatched: '--max-concurrent 32',
      maxQueue: 64,
      transport: 'loopback TCP, plaintext',
      onnxruntimeThreads: threads,
    },
    rounds: ROUNDS,
    throughput,
    overheadPct,
    overheadPctRounds: overheadRounds,
    overheadPctSpread: { min: Math.min(...overheadRounds), max: Math.max(...overheadRounds) },
    cpuOverheadPct: median(cpuOverheadRounds),
    cpuOverheadPctRounds: cpuOverheadRounds,
    cpuMsPerImageAtOneClient: {
      inProcess: median(cpuPerImage.map((c) => c.inProcess)),
      server: median(cpuPerImage.map((c) => c.server)),
      everyStep: median(cpuPerImage.map((c) => c.everyStep)),
    },
    serverBlockIntervalMs: { default: 16, everyStep: 0 },
    cpuOverheadPctEveryStep: median(cpuEveryStepOverheadRounds),
    cpuOverheadPctEveryStepRounds: cpuEveryStepOverheadRounds,
    overheadPctEveryStep,
    overheadPctEveryStepRounds: everyStepOverheadRounds,
    peakRssMb,
    checks,
    method:
      'Every round runs every configuration once, the order rotating round to round. imagesPerMinute: median over rounds (min, max beside it); ' +
      'p50Ms/p95Ms: over every request of every round; throughputVsOne and p50VsOne: per round against the same server at one client, median over rounds. ' +
      `overheadPct: per round, median of ${PAIRS} requests through the unbatched server ÷ median of ${PAIRS} in process − 1 (wall clock seen by the client; the server's default token-block interval, 16 ms; interleaved with the every-step side, each side first equally often), median over rounds; overheadPctEveryStep: the same through a third server started with --block-interval-ms 0 (a token block per step, the default before). ` +
      'cpuOverheadPct: the same ratio with CPU time (this process, client or in-process, plus the server process, every thread; 10 ms ticks summed over the round), less sensitive to other load on the machine than wall clock. ' +
      'serverCpuMsPerImage: the server process CPU time per image, median over rounds. ' +
      'peakRssMb: the server process, sampled every 50 ms during the 32-client runs.',
  };
  console.log(
    `gRPC server, ${model.manifest.name}, default decoding, ${cpus().length} CPUs, onnxruntime threads ${threads}, ${ROUNDS} rounds (load average ${loadAtStart.toFixed(1)} → ${loadPerRound.map((l) => l.toFixed(1)).join(' → ')})`,
  );
  console.table(
    throughput.map((t) => ({
      clients: t.clients,
      batched: t.batched ? `${BATCH_ROWS} rows` : 'no',
      'images/min (median)': t.imagesPerMinute.toFixed(0),
      'min–max': `${t.imagesPerMinuteMin.toFixed(0)}–${t.imagesPerMinuteMax.toFixed(0)}`,
      'vs 1 client': `${t.throughputVsOne.toFixed(2)}×`,
      'p50 ms': t.p50Ms.toFixed(0),
      'p95 ms': t.p95Ms.toFixed(0),
      'p50 vs 1 client': `${t.p50VsOne.toFixed(2)}×`,
      'server CPU ms/image': t.serverCpuMsPerImage.toFixed(0),
    })),
  );
  console.log(
    `overhead at one client: ${overheadPct.toFixed(1)} % (rounds ${overheadRounds.map((o) => o.toFixed(1)).join(', ')}; target < ${TARGETS.overheadPct} %): ${checks.overheadPct.met ? 'met' : 'NOT met'}`,
  );
  console.log(
    `CPU time (client + server ÷ in process − 1) at one client: ${median(cpuOverheadRounds).toFixed(1)} % (rounds ${cpuOverheadRounds.map((o) => o.toFixed(1)).join(', ')}); with a block per step: ${median(cpuEveryStepOverheadRounds).toFixed(1)} % (rounds ${cpuEveryStepOverheadRounds.map((o) => o.toFixed(1)).join(', ')})`,
  );
  console.log(
    `with a token block per step (--block-interval-ms 0): ${overheadPctEveryStep.toFixed(1)} % (rounds ${everyStepOverheadRounds.map((o) => o.toFixed(1)).join(', ')})`,
  );
  console.log(
    `batched at 16 clients: throughput ${checks.throughput16vs1.batched.toFixed(2)}× one client's (target ≥ ${TARGETS.throughput16vs1}: ${checks.throughput16vs1.met ? 'met' : 'NOT met'}), p50 ${checks.p50At16vs1.batched.toFixed(2)}× (target ≤ ${TARGETS.p50At16vs1}: ${checks.p50At16vs1.met ? 'met' : 'NOT met'})`,
  );
  console.log(
    `peak RSS at 32 clients: batched ${peakRssMb.batched.toFixed(0)} MB, unbatched ${peakRssMb.unbatched.toFixed(0)} MB (after load ${peakRssMb.afterLoad.batched.toFixed(0)} / ${peakRssMb.afterLoad.unbatched.toFixed(0)} MB)`,
  );
  const out = new URL('../../../../bench/results/', import.meta.url);
  mkdirSync(out, { recursive: true });
  const file =
    model.manifest.name === 'shapes-v2' ? 'server.json' : `server-${model.manifest.name}.json`;
  writeFileSync(new URL(file, out), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const server of [unbatched, batched, everyStep]) {
    for (const client of server.clients) client.close();
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
  }
  await model.release();
}
