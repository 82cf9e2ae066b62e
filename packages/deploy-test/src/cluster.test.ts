import { describe, expect, it } from 'vitest';
import { runClusterPath } from './cluster-run.js';
import { clusterScenario, labPrefix } from './cluster-scenarios.js';
import { canBuildLab, NetnsLab } from './netns-lab.js';

// CI runs as root; elsewhere `sudo pnpm test:cluster` runs the full version.
const root = await canBuildLab();
if (!root) console.warn('cluster test skipped: it needs root and `ip netns` (CI runs it as root)');

describe.skipIf(!root)('replicas in network namespaces, faults under load (short run)', () => {
  it.each(['haproxy', 'client-round-robin'] as const)(
    '%s: SIGKILL, SIGTERM and an unplugged replica lose no generation',
    async (path) => {
      const prefix = labPrefix('t');
      const scenario = clusterScenario(path, 'short', prefix);
      const result = await runClusterPath(scenario);
      console.log(JSON.stringify(result));
      expect(result.lost).toBe(0);
      expect(result.completed).toBe(result.sent);
      expect(result.completed).toBeGreaterThanOrEqual(scenario.clients * 2);
      // The replicas that were never faulted took the load.
      for (const served of result.servedByReplica.slice(3)) expect(served).toBeGreaterThan(0);
      expect(result.faults.unplug).toBeGreaterThan(0);
      expect(await NetnsLab.existing(prefix)).toEqual([]);
    },
  );
});
