#!/usr/bin/env node
/**
 * `pnpm --filter @sjd/deploy-test measure`: what one `sjd serve` replica needs, to size the
 * Kubernetes requests and limits. Runs the replica as the Deployment does (--threads 1,
 * --max-concurrent 2) on loopback, loads it from `clients` clients for `seconds`, and
 * samples the process's resident memory and CPU time from /proc every 250 ms. Prints JSON.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from './load-generator.js';

const clients = Number(process.argv[2] ?? 8);
const seconds = Number(process.argv[3] ?? 20);
const sjdJs = join(dirname(fileURLToPath(import.meta.url)), '../../cli/dist/sjd.js');
const port = 50000 + (process.pid % 1000);
const replica = spawn(
  process.execPath,
  [
    ...['--initial-old-space-size=64', sjdJs, 'serve', '--host', '127.0.0.1'],
    ...['--port', String(port), '--threads', '1', '--max-concurrent', '2', '--max-queue', '16'],
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
await new Promise<void>((resolve, reject) => {
  replica.once('exit', (code) => reject(new Error(`replica exited ${code}`)));
  replica.stderr!.on('data', (c: Buffer) => c.toString().includes('models-loaded') && resolve());
});
const idleRssMiB = (await sample(replica.pid!)).rssKiB / 1024;
const ticksPerSecond = 100; // USER_HZ on Linux
const samples: { t: number; rssKiB: number; cpuTicks: number }[] = [];
const timer = setInterval(() => {
  void sample(replica.pid!).then((s) => samples.push({ t: Date.now(), ...s }));
}, 250);
const started = Date.now();
const report = await runLoad({
  addresses: [`127.0.0.1:${port}`],
  clients,
  durationMs: seconds * 1000,
  attemptDeadlineMs: 60_000,
  maxAttempts: 4,
  firstSeed: 1,
});
clearInterval(timer);
replica.kill('SIGTERM');
const first = samples[0]!;
const last = samples.at(-1)!;
let peakCores = 0;
for (let i = 4; i < samples.length; i++) {
  const a = samples[i - 4]!;
  const b = samples[i]!;
  peakCores = Math.max(
    peakCores,
    (b.cpuTicks - a.cpuTicks) / ticksPerSecond / ((b.t - a.t) / 1000),
  );
}
const round = (x: number) => Math.round(x * 100) / 100;
process.stdout.write(
  `${JSON.stringify(
    {
      clients,
      seconds: round((Date.now() - started) / 1000),
      generations: report.requests.filter((r) => r.ok).length,
      idleRssMiB: round(idleRssMiB),
      peakRssMiB: round(Math.max(...samples.map((s) => s.rssKiB)) / 1024),
      meanCores: round(
        (last.cpuTicks - first.cpuTicks) / ticksPerSecond / ((last.t - first.t) / 1000),
      ),
      peakCoresOver1s: round(peakCores),
    },
    null,
    2,
  )}\n`,
);

async function sample(pid: number): Promise<{ rssKiB: number; cpuTicks: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return {
    rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0),
    cpuTicks: Number(stat[11]) + Number(stat[12]), // utime + stime (fields 14 and 15)
  };
}
