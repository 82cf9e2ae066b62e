/**
 * `pnpm bench:server`: what the gRPC server costs on top of in-process generation.
 * Starts `sjd serve` as a separate process (loopback, `--max-concurrent 16`, so no request
 * waits in the queue) and, in this process, loads the same model for the in-process
 * baseline. Same requests on both sides (SJD, window 16, the model's recommended sampling,
 * one 16×16 image with its PNG), interleaved so that load drift hits both alike. Measures
 * the time to the first token block, images per minute at concurrency 1, 4 and 16, and the
 * overhead against in-process (target < 5 % at concurrency 1). Prints a table and writes
 * bench/results/server.json. Model: `SJD_MODEL_DIR`, or the shipped model.
 *
 * Both sides run onnxruntime with the same intra-op threads: `SJD_BENCH_THREADS`, default
 * one fewer than the CPUs. The benchmark's own client shares the machine with the server;
 * leaving it a core keeps the measurement about the server, not about the client's CPU
 * fighting the model's threads (a remote client would not).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng, encodePrompt, generateStream, OnnxLogitsProvider } from '@sjd/backend-node';
import { SjdClient } from '@sjd/client';
import { shippedModelDir } from '@sjd/shapes';

const CAPTION = 'a large red circle in the centre';
const DECODING = { method: 'sjd', window: 16, init: 'random' } as const;
const PAIRS = 24;
const CONCURRENCY = [1, 4, 16] as const;
const REQUESTS_AT = { 4: 16, 16: 32 } as const;
const TARGET_PCT = 5;
/** What `pnpm serve` and `pnpm bench` (this process) run node with; see docs/grpc.md. */
const V8_FLAGS = ['--initial-old-space-size=64'];

interface Timing {
  readonly totalMs: number;
  readonly firstBlockMs: number;
  /** Through the server: its own time from arrival to the summary. */
  readonly serverMs?: number;
}

/** The machine's 1-minute load average when the run started: read the numbers with it. */
const loadAtStart = loadavg()[0]!;
const modelDir = process.env['SJD_MODEL_DIR'] ?? shippedModelDir;
const threads = Number(process.env['SJD_BENCH_THREADS'] ?? Math.max(1, cpus().length - 1));
const model = await OnnxLogitsProvider.load({ modelDir, threads });
const prompt = encodePrompt(model.manifest, CAPTION);
const { pixelWidth, pixelHeight } = model.manifest.image;

/** The request in process: decode, then the PNG, as the server does. */
async function inProcess(seed: number): Promise<Timing> {
  const started = performance.now();
  let firstBlockMs = 0;
  for await (const event of generateStream({
    provider: model,
    prompt: prompt.conditional,
    unconditionalPrompt: prompt.unconditional,
    seed,
    sampling: model.manifest.sampling,
    decoding: DECODING,
  })) {
    if (event.type === 'token-block' && firstBlockMs === 0)
      firstBlockMs = performance.now() - started;
    if (event.type === 'image-done')
      encodePng(await model.decodeImage(event.codes), pixelWidth, pixelHeight);
  }
  return { totalMs: performance.now() - started, firstBlockMs };
}

/** `node dist/main.js` on a free loopback port; resolves once its model is loaded. */
async function startServer(): Promise<{ child: ChildProcess; address: string }> {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      ...V8_FLAGS,
      main,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--model',
      modelDir,
      '--max-concurrent',
      '16',
      '--max-queue',
      '64',
      '--threads',
      String(threads),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let port = 0;
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) =>
      reject(new Error(`the server exited (${code}) before loading its model`)),
    );
    child.stderr!.on('data', (chunk) => {
      buffered += String(chunk);
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const record = line.startsWith('{') ? JSON.parse(line) : {};
        if (record.event === 'listening') port = record.port;
        if (record.event === 'models-loaded') resolve();
        if (record.event === 'model-load-failed') reject(new Error(record.message));
      }
    });
  });
  child.removeAllListeners('exit');
  return { child, address: `127.0.0.1:${port}` };
}

const server = await startServer();
const client = new SjdClient({ addresses: [server.address] });

/** The same request through the server. */
async function viaServer(seed: number): Promise<Timing> {
  const started = performance.now();
  let firstBlockMs = 0;
  let serverMs = 0;
  for await (const event of client.generate({ prompt: CAPTION, seed, decoding: DECODING })) {
    if (event.type === 'token-block' && firstBlockMs === 0)
      firstBlockMs = performance.now() - started;
    if (event.type === 'generation-done') serverMs = event.timings.totalMs;
  }
  return { totalMs: performance.now() - started, firstBlockMs, serverMs };
}

/** Images per minute with `concurrency` requests in flight, `requests` in all. */
async function throughput(
  run: (seed: number) => Promise<Timing>,
  concurrency: number,
  requests: number,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) await run(1000 + next++);
    }),
  );
  return (requests / (performance.now() - started)) * 60_000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

try {
  for (let i = 0; i < 3; i++) {
    await inProcess(i); // warm-up both sides: JIT, onnxruntime arenas, the connection
    await viaServer(i);
  }
  // Concurrency 1: interleaved pairs, alternating which side goes first.
  const local: Timing[] = [];
  const remote: Timing[] = [];
  for (let i = 0; i < PAIRS; i++) {
    if (i % 2 === 0) {
      local.push(await inProcess(i));
      remote.push(await viaServer(i));
    } else {
      remote.push(await viaServer(i));
      local.push(await inProcess(i));
    }
  }
  const localMs = median(local.map((t) => t.totalMs));
  const remoteMs = median(remote.map((t) => t.totalMs));
  // Neighbouring runs share the machine's background load: compare within each pair.
  const pairOverheadPct = median(remote.map((r, i) => (r.totalMs / local[i]!.totalMs - 1) * 100));
  const serverSideOverheadPct = median(
    remote.map((r, i) => (r.serverMs! / local[i]!.totalMs - 1) * 100),
  );
  const imagesPerMinute: Record<string, number> = { 1: 60_000 / remoteMs };
  const imagesPerMinuteInProcess: Record<string, number> = { 1: 60_000 / localMs };
  for (const [index, concurrency] of [4, 16].entries()) {
    const requests = REQUESTS_AT[concurrency as 4 | 16];
    const sides = [
      async () =>
        (imagesPerMinute[concurrency] = await throughput(viaServer, concurrency, requests)),
      async () =>
        (imagesPerMinuteInProcess[concurrency] = await throughput(
          inProcess,
          concurrency,
          requests,
        )),
    ];
    for (const side of index % 2 ? sides.reverse() : sides) await side();
  }
  const overheadPctByConcurrency: Record<string, number> = Object.fromEntries(
    CONCURRENCY.map((c) => [c, (imagesPerMinuteInProcess[c]! / imagesPerMinute[c]! - 1) * 100]),
  );
  overheadPctByConcurrency[1] = pairOverheadPct;
  const result = {
    model: model.manifest.name,
    // Relative to the repository: the results must not carry this machine's paths.
    modelDir: relative(fileURLToPath(new URL('../../../../', import.meta.url)), modelDir),
    cpus: cpus().length,
    loadAverage: { atStart: loadAtStart, atEnd: loadavg()[0]! },
    request: { caption: CAPTION, decoding: DECODING, sampling: model.manifest.sampling, images: 1 },
    server: {
      process: 'separate (node dist/main.js)',
      maxConcurrent: 16,
      transport: 'loopback TCP, plaintext',
      onnxruntimeThreads: threads,
    },
    pairsAtConcurrency1: PAIRS,
    firstBlockMs: median(remote.map((t) => t.firstBlockMs)),
    firstBlockMsInProcess: median(local.map((t) => t.firstBlockMs)),
    requestMs: remoteMs,
    requestMsInProcess: localMs,
    imagesPerMinute,
    imagesPerMinuteInProcess,
    overheadPct: pairOverheadPct,
    overheadPctByConcurrency,
    overheadPctServerSide: serverSideOverheadPct,
    method:
      'overheadPct: median over interleaved pairs of (server ÷ in-process − 1), wall clock seen by the client; ' +
      'overheadPctServerSide: the same with the server’s own arrival-to-summary time; ' +
      'at 4 and 16: ratio of images per minute, one batch each',
    overheadTargetPct: TARGET_PCT,
  };
  console.log(
    `gRPC server vs in-process: ${model.manifest.name}, SJD L=${DECODING.window}, ${cpus().length} CPUs (load ${loadAtStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}), onnxruntime threads ${threads} on both sides`,
  );
  console.table(
    [
      {
        metric: 'first token block (ms, median)',
        concurrency: 1,
        server: result.firstBlockMs,
        'in-process': result.firstBlockMsInProcess,
      },
      ...CONCURRENCY.map((c) => ({
        metric: 'images per minute',
        concurrency: c,
        server: imagesPerMinute[c]!,
        'in-process': imagesPerMinuteInProcess[c]!,
        overhead: `${overheadPctByConcurrency[c]!.toFixed(1)} %`,
      })),
    ].map((row) => ({
      ...row,
      server: row.server.toFixed(1),
      'in-process': row['in-process'].toFixed(1),
    })),
  );
  console.log(
    `overhead at concurrency 1: ${result.overheadPct.toFixed(1)} % (median of ${PAIRS} interleaved pairs; target < ${TARGET_PCT} %): ${result.overheadPct < TARGET_PCT ? 'met' : 'NOT met'}; ` +
      `inside the server (arrival to summary): ${serverSideOverheadPct.toFixed(1)} %`,
  );
  const out = new URL('../../../../bench/results/', import.meta.url);
  mkdirSync(out, { recursive: true });
  writeFileSync(new URL('server.json', out), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  client.close();
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
  await model.release();
}
