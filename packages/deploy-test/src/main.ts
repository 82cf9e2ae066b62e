#!/usr/bin/env node
/**
 * `pnpm test:cluster`: sjd serve replicas in their own network namespaces, under load from
 * many clients, behind HAProxy and then behind the client's own round-robin; in each, one
 * replica is killed (SIGKILL), one stopped (SIGTERM) and one unplugged. Writes
 * `bench/results/cluster.json` and exits 1 if any generation was lost. Needs root.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ClusterRunResult, runClusterPath } from './cluster-run.js';
import { clusterScenario, labPrefix } from './cluster-scenarios.js';
import { canBuildLab } from './netns-lab.js';

const size = process.argv.includes('--short') ? 'short' : 'full';
if (!(await canBuildLab())) {
  process.stderr.write('test:cluster needs root and iproute2 (ip netns).\n');
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
const results: ClusterRunResult[] = [];
for (const path of ['haproxy', 'client-round-robin'] as const) {
  const result = await runClusterPath({
    ...clusterScenario(path, size, labPrefix('c')),
    log,
  });
  log(JSON.stringify(result));
  results.push(result);
}
const out = join(dirname(fileURLToPath(import.meta.url)), '../../../bench/results/cluster.json');
await writeFile(
  out,
  `${JSON.stringify(
    {
      command: `pnpm test:cluster${size === 'short' ? ' -- --short' : ''}`,
      scenario: clusterScenario('haproxy', size, ''),
      machine: { cpus: cpus().length, loadavg: loadavg().map((l) => Number(l.toFixed(2))) },
      paths: results,
    },
    null,
    2,
  )}\n`,
);
log(`wrote ${out}`);
process.exitCode = results.some((r) => r.lost > 0) ? 1 : 0;
