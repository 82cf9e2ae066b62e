/**
 * `pnpm --filter @sjd/grpc-server bench:profile`: where the server's time goes. Starts
 * `sjd serve` under `node --cpu-prof` (batched, `--max-batch-rows 8`, and unbatched), drives
 * it with 1 and 16 concurrent clients (each its own connection, the bench's request), and
 * splits the CPU profile of the load window (warm-up excluded) into what it was spent on:
 * the onnxruntime forward pass, garbage collection, logits → distributions, KV copies,
 * gRPC, images, idle. Prints a table and writes bench/results/server-profile.json.
 *
 * `--model <name|folder>` as `bench:server`; `SJD_BENCH_PROFILE_REQUESTS` (requests per
 * client count, default 64 at 16 clients and 48 at one), `SJD_BENCH_THREADS` (1).
 * A profile is a sample every ~1 ms of the server's JavaScript thread, which is where
 * onnxruntime-node runs a session (`session.run` is synchronous there, one intra-op thread).
 */
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SjdClient } from '@sjd/client';
import { benchCaption, benchModelDir } from './bench-model.js';
import { startServerProcess } from './server-process.js';

const modelDir = benchModelDir();
const modelName = (
  JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')) as { name: string }
).name;
const caption = benchCaption(modelName);
const threads = Number(process.env['SJD_BENCH_THREADS'] ?? 1);

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

type Rule = readonly [string, (node: ProfileNode, stack: readonly ProfileNode[]) => boolean];
const named = (stack: readonly ProfileNode[], names: readonly string[]) =>
  stack.some((n) => names.includes(n.callFrame.functionName));
const fromFile = (stack: readonly ProfileNode[], parts: readonly string[]) =>
  stack.some((n) => parts.some((p) => n.callFrame.url.includes(p)));
/** The first rule that matches a sample's stack (innermost frame first) takes it. */
const RULES: readonly Rule[] = [
  ['image: VQ decode + PNG', (_, s) => named(s, ['decodeImage', 'renderPng', 'encodePng'])],
  [
    'onnxruntime forward (decoder)',
    (n) => n.callFrame.url.includes('onnxruntime-node') && n.callFrame.url.endsWith('backend.js'),
  ],
  ['garbage collection', (n) => n.callFrame.functionName === '(garbage collector)'],
  ['idle', (n) => n.callFrame.functionName === '(idle)'],
  [
    'KV copies (stack, gather, adopt, trim, compact)',
    (_, s) => named(s, ['stackPast', 'gatherLive', 'adopt', 'keepSlots', 'compact', 'truncate']),
  ],
  [
    'forward inputs (ids, masks, positions)',
    (_, s) => named(s, ['runForward', 'runAlone', 'runSession']),
  ],
  ['logits → distributions (top-p, softmax)', (_, s) => fromFile(s, ['/processing/'])],
  [
    'decoder logic (acceptance, drafts, statistics)',
    (_, s) => fromFile(s, ['/decoders/', '/stats/', '/random/', 'generate.js']),
  ],
  [
    'gRPC: serialize, write, HTTP/2 (JavaScript)',
    (_, s) =>
      fromFile(s, ['@grpc', 'http2', 'generated/sjd', 'stream_base', 'internal/streams']) ||
      named(s, ['write']),
  ],
  ['batcher scheduling', (_, s) => fromFile(s, ['forward-batcher'])],
  [
    'server: responses, log, metrics',
    (_, s) => fromFile(s, ['grpc-server/dist', 'prom-client', 'pino']),
  ],
  [
    'native, unattributed ((program): sockets, HTTP/2 framing…)',
    (n) => n.callFrame.functionName === '(program)',
  ],
  ['other', () => true],
];

/** Milliseconds per rule over the samples taken between `from` and `to` (µs, the profile's clock). */
function breakdown(profile: Profile, from: number, to: number): Record<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sums: Record<string, number> = Object.fromEntries(RULES.map(([name]) => [name, 0]));
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (t < from || t > to) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]!)!;
    const stack: ProfileNode[] = [];
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      stack.push(byId.get(id)!);
    }
    const rule = RULES.find(([, matches]) => matches(node, stack))!;
    sums[rule[0]] = sums[rule[0]]! + dt / 1000;
  }
  return sums;
}

/** A process's CPU time so far (user + system, every thread), in ms (Linux; 10 ms ticks). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function profileServer(batchRows: number, clients: number, requests: number) {
  const dir = mkdtempSync(join(tmpdir(), 'sjd-profile-'));
  const { child, port } = await startServerProcess(
    ['--initial-old-space-size=64', '--cpu-prof', `--cpu-prof-dir=${dir}`],
    [
      ...['--model', modelDir, '--max-queue', '64', '--threads', String(threads)],
      ...(batchRows > 1 ? ['--max-batch-rows', String(batchRows)] : ['--max-concurrent', '32']),
    ],
  );
  const pool = Array.from(
    { length: clients },
    () =>
      new SjdClient({
        addresses: [`127.0.0.1:${port}`],
        channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
      }),
  );
  const load = async (count: number, seed0: number) => {
    let next = 0;
    await Promise.all(
      pool.map(async (client) => {
        while (next < count) {
          for await (const _ of client.generate({ prompt: caption, seed: seed0 + next++ })) {
            // every message read
          }
        }
      }),
    );
  };
  await load(Math.max(16, clients), 0);
  const cpuBefore = cpuMsOf(child.pid!);
  // The profile's clock is the monotonic clock in µs, as process.hrtime.
  const from = Number(process.hrtime.bigint() / 1000n);
  const started = performance.now();
  await load(requests, 1000);
  const wallMs = performance.now() - started;
  const to = Number(process.hrtime.bigint() / 1000n);
  const serverCpuMs = cpuMsOf(child.pid!) - cpuBefore;
  for (const client of pool) client.close();
  child.kill('SIGTERM');
  await once(child, 'exit');
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  rmSync(dir, { recursive: true, force: true });
  const ms = breakdown(profile, from, to);
  const sampled = Object.values(ms).reduce((a, b) => a + b, 0);
  return {
    batchRows,
    clients,
    requests,
    imagesPerMinute: (requests / wallMs) * 60_000,
    serverCpuMsPerImage: serverCpuMs / requests,
    sampledMs: sampled,
    msPerImage: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, v / requests])),
    percent: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, (100 * v) / sampled])),
  };
}

const requestsFor = (clients: number) =>
  Number(process.env['SJD_BENCH_PROFILE_REQUESTS'] ?? (clients > 1 ? 64 : 48));
const loadAtStart = loadavg()[0]!;
const runs: Awaited<ReturnType<typeof profileServer>>[] = [];
for (const [batchRows, clients] of [
  [8, 1],
  [8, 16],
  [1, 1],
  [1, 16],
] as const) {
  const run = await profileServer(batchRows, clients, requestsFor(clients));
  runs.push(run);
  process.stderr.write(
    `${batchRows > 1 ? 'batched' : 'unbatched'} @ ${clients}: ${run.imagesPerMinute.toFixed(0)} images/min\n`,
  );
}
const label = (r: (typeof runs)[number]) =>
  `${r.batchRows > 1 ? `batched ${r.batchRows}` : 'unbatched'} @ ${r.clients}`;
console.log(
  `Where the server's JavaScript thread spends its time, ${modelName}, ${cpus().length} CPUs, load average ${loadAtStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}: % of sampled time (ms per image)`,
);
console.table(
  Object.fromEntries(
    RULES.map(([name]) => [
      name,
      Object.fromEntries(
        runs.map((r) => [
          label(r),
          `${r.percent[name]!.toFixed(1)} % (${r.msPerImage[name]!.toFixed(1)})`,
        ]),
      ),
    ]),
  ),
);
console.table(
  Object.fromEntries(
    runs.map((r) => [
      label(r),
      {
        'images/min': r.imagesPerMinute.toFixed(0),
        'server CPU ms/image (all threads)': r.serverCpuMsPerImage.toFixed(1),
      },
    ]),
  ),
);
const out = new URL('../../../../bench/results/', import.meta.url);
mkdirSync(out, { recursive: true });
const file = modelName === 'shapes-v2' ? 'server-profile.json' : `server-profile-${modelName}.json`;
writeFileSync(
  new URL(file, out),
  `${JSON.stringify(
    {
      model: modelName,
      cpus: cpus().length,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg()[0]! },
      onnxruntimeThreads: threads,
      method:
        'node --cpu-prof on the server process; samples inside the load window only (after a warm-up), each attributed to the first matching category of its stack (innermost frame first); msPerImage = sampled ms / requests. serverCpuMsPerImage: /proc CPU time of the server process (every thread) / requests.',
      runs,
    },
    null,
    2,
  )}\n`,
);
