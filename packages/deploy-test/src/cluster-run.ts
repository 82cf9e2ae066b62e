import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haproxyConfig } from './haproxy-config.js';
import type { LoadOptions, LoadReport } from './load-generator.js';
import { type LabHost, NetnsLab } from './netns-lab.js';
import { type PathSummary, summarisePath } from './path-summary.js';

/** The two ways to reach the replicas. */
export type ClusterPath = 'haproxy' | 'client-round-robin';

/** One run of one path: replicas, load, and three faults at set times. */
export interface ClusterRunOptions {
  readonly path: ClusterPath;
  /** At least 4: one is killed, one stopped, one unplugged, the rest keep serving. */
  readonly replicas: number;
  /** Independent clients sending generations back to back. */
  readonly clients: number;
  /** How long the clients keep sending. */
  readonly loadMs: number;
  /** When, after the load starts, replica 1 gets SIGKILL, replica 2 SIGTERM and replica 3 is unplugged. */
  readonly faultsAtMs: readonly [kill: number, term: number, unplug: number];
  /** Generations in flight from the first fault until this long after the last count as "during the fault". */
  readonly faultSettleMs: number;
  /** Names the lab's namespaces; unique per run. */
  readonly prefix: string;
  readonly log?: (line: string) => void;
}

/** The path's summary and what the replicas and the proxy recorded. */
export interface ClusterRunResult extends PathSummary {
  /** Generations each replica finished (from its request log), r1 first. */
  readonly servedByReplica: readonly number[];
  /**
   * Calls the replicas refused or cut (RESOURCE_EXHAUSTED, UNAVAILABLE: from their request
   * logs). Those the clients do not list under `failures` were sent again by gRPC's retry
   * policy itself, unseen by the caller.
   */
  readonly refusedByReplicas: number;
  /** HAProxy's own retries and redispatches (`show stat` wretr + wredis), haproxy path only. */
  readonly proxyRetries?: number;
  /** Milliseconds after the load started: when each fault was injected. */
  readonly faults: Readonly<Record<'sigkill' | 'sigterm' | 'unplug', number>>;
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '../../..');
const sjdJs = join(repoRoot, 'packages/cli/dist/sjd.js');
// The compiled one, also when this module runs from src/ under vitest.
const loadGeneratorJs = join(here, '../dist/load-generator.js');
const PORT = 50051;

/** Runs one path in a fresh lab and tears everything down, also on failure. */
export async function runClusterPath(options: ClusterRunOptions): Promise<ClusterRunResult> {
  const log = options.log ?? (() => {});
  if (options.replicas < 4) throw new RangeError('replicas: at least 4 (three are faulted)');
  const lab = new NetnsLab(options.prefix);
  const children: ChildProcess[] = [];
  const work = await mkdtemp(join(tmpdir(), 'sjd-cluster-'));
  const hostsDir = `/etc/netns/${options.prefix}-client`;
  try {
    await lab.create();
    const client = await lab.addHost('client', 2);
    const lb = await lab.addHost('lb', 3);
    const replicaHosts: LabHost[] = [];
    for (let i = 1; i <= options.replicas; i++) {
      replicaHosts.push(await lab.addHost(`r${i}`, 10 + i));
    }
    // Plaintext on the lab's private addresses must be asked for.
    const replicas = replicaHosts.map((host) => startReplica(host, ['--insecure']));
    children.push(...replicas.map((r) => r.process));
    await Promise.all(replicas.map((r) => r.ready));
    log(`${options.path}: ${options.replicas} replicas ready`);

    let target: Pick<LoadOptions, 'addresses' | 'target'>;
    let statsSocket: string | undefined;
    if (options.path === 'haproxy') {
      statsSocket = join(work, 'haproxy.sock');
      const config = join(work, 'haproxy.cfg');
      await writeFile(
        config,
        haproxyConfig({
          bind: `${lb.address}:8080`,
          servers: replicaHosts.map((h) => `${h.address}:${PORT}`),
          statsSocket,
        }),
      );
      const haproxy = spawn('ip', ['netns', 'exec', lb.netns, 'haproxy', '-f', config, '-db'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(haproxy);
      await waitFor(
        async () => {
          const up = (await showStat(statsSocket!)).filter((s) => s.status === 'UP').length;
          return up === options.replicas;
        },
        45_000,
        async () => JSON.stringify(await showStat(statsSocket!)),
      );
      target = { addresses: [`${lb.address}:8080`] };
    } else {
      // One DNS name for every replica, as a Kubernetes headless Service gives: the
      // client namespace's /etc/hosts (ip netns exec mounts /etc/netns/<ns>/hosts there).
      await mkdir(hostsDir, { recursive: true });
      await writeFile(
        join(hostsDir, 'hosts'),
        `127.0.0.1 localhost\n${replicaHosts.map((h) => `${h.address} sjd.lab\n`).join('')}`,
      );
      target = { target: `dns:///sjd.lab:${PORT}` };
    }

    const loadOptions: LoadOptions = {
      ...target,
      clients: options.clients,
      durationMs: options.loadMs,
      attemptDeadlineMs: 30_000,
      maxAttempts: 4,
      firstSeed: 1,
    };
    const load = spawn(
      'ip',
      [
        'netns',
        'exec',
        client.netns,
        process.execPath,
        loadGeneratorJs,
        JSON.stringify(loadOptions),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(load);
    const loadStart = Date.now();
    const report = collectJson<LoadReport>(load, options.loadMs + 90_000);
    log(`${options.path}: load from ${options.clients} clients for ${options.loadMs} ms`);

    const faults = { sigkill: 0, sigterm: 0, unplug: 0 };
    const [killAt, termAt, unplugAt] = options.faultsAtMs;
    const timers = [
      setTimeout(() => {
        faults.sigkill = Date.now() - loadStart;
        replicas[0]!.process.kill('SIGKILL');
        log(`${options.path}: SIGKILL r1`);
      }, killAt),
      setTimeout(() => {
        faults.sigterm = Date.now() - loadStart;
        replicas[1]!.process.kill('SIGTERM');
        log(`${options.path}: SIGTERM r2`);
      }, termAt),
      setTimeout(() => {
        faults.unplug = Date.now() - loadStart;
        void lab.unplug('r3').then(() => log(`${options.path}: r3 unplugged`));
      }, unplugAt),
    ];
    let loadReport: LoadReport;
    try {
      loadReport = await report;
    } finally {
      for (const timer of timers) clearTimeout(timer);
    }
    const proxyRetries = statsSocket
      ? (await showStat(statsSocket))
          .filter((s) => s.svname === 'BACKEND')
          .reduce((n, s) => n + s.wretr + s.wredis, 0)
      : undefined;

    const first = loadStart + Math.min(...options.faultsAtMs);
    const last = loadStart + Math.max(...options.faultsAtMs) + options.faultSettleMs;
    const summary = summarisePath(options.path, options.replicas, loadReport.requests, [
      first,
      last,
    ]);
    return {
      ...summary,
      servedByReplica: replicas.map((r) => r.served()),
      refusedByReplicas: replicas.reduce((n, r) => n + r.refused(), 0),
      ...(proxyRetries === undefined ? {} : { proxyRetries }),
      faults,
    };
  } finally {
    await Promise.all(children.map(stop));
    await lab.destroy();
    await rm(hostsDir, { recursive: true, force: true });
    await rmdir('/etc/netns').catch(() => {}); // only if empty
    await rm(work, { recursive: true, force: true });
  }
}

interface Replica {
  readonly process: ChildProcess;
  readonly ready: Promise<void>;
  served(): number;
  refused(): number;
}

/** `sjd serve` inside the host's namespace, bound to its lab address. */
function startReplica(host: LabHost, extraFlags: readonly string[]): Replica {
  const child = spawn(
    'ip',
    [
      ...['netns', 'exec', host.netns, process.execPath, '--initial-old-space-size=64', sjdJs],
      ...['serve', '--host', host.address, '--port', String(PORT), '--threads', '1'],
      ...['--max-concurrent', '2', '--max-queue', '8', '--shutdown-grace-ms', '5000'],
      ...extraFlags,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let served = 0;
  const refused = 0;
  let buffered = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`replica ${host.name} exited (${code})`)));
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (process.env['SJD_CLUSTER_DEBUG'])
          process.stderr.write(`${host.name} ${line.slice(0, 300)}\n`);
        if (line.includes('"models-loaded"')) resolve();
        if (
          line.includes('"kind":"request"') &&
          line.includes('/Generate"') &&
          line.includes('"outcome":"OK"')
        )
          served++;
      }
    });
  });
  ready.catch(() => {});
  return { process: child, ready, served: () => served, refused: () => refused };
}

/** Kills a child (SIGKILL: the run is over) and waits for it. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** The JSON a child prints on stdout, once it exits 0; kills it after `timeoutMs`. */
function collectJson<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as T);
      else reject(new Error(`load generator exited ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
}

interface ServerStat {
  readonly svname: string;
  readonly status: string;
  /** The last check's result and how long it took, e.g. `L7OK` / `L4TOUT`. */
  readonly check: string;
  readonly wretr: number;
  readonly wredis: number;
}

/** HAProxy's `show stat` for the backend, through its admin socket. */
async function showStat(socketPath: string): Promise<ServerStat[]> {
  const csv = await new Promise<string>((resolve, reject) => {
    let out = '';
    const socket = connect(socketPath, () => socket.end('show stat\n'));
    socket.on('data', (c) => (out += c.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
  const [header, ...rows] = csv.trim().split('\n');
  const names = (header ?? '').replace(/^# /, '').split(',');
  return rows
    .map((row) => Object.fromEntries(row.split(',').map((v, i) => [names[i], v])))
    .filter((r) => r['pxname'] === 'sjd')
    .map((r) => ({
      svname: r['svname'] ?? '',
      status: r['status'] ?? '',
      check: `${r['check_status'] ?? ''} ${r['check_duration'] ?? ''}ms`,
      wretr: Number(r['wretr'] ?? 0),
      wredis: Number(r['wredis'] ?? 0),
    }));
}

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => Promise<string>,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not ready within ${timeoutMs} ms: ${await describe().catch(String)}`);
}
