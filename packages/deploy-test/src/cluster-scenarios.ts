import type { ClusterPath, ClusterRunOptions } from './cluster-run.js';

/** The full run (`pnpm test:cluster`, about 2 minutes) and CI's short one (about a minute). */
export function clusterScenario(
  path: ClusterPath,
  size: 'full' | 'short',
  prefix: string,
): ClusterRunOptions {
  return size === 'full'
    ? {
        path,
        prefix,
        replicas: 5,
        clients: 12,
        loadMs: 40_000,
        faultsAtMs: [8_000, 14_000, 20_000],
        faultSettleMs: 15_000,
      }
    : {
        path,
        prefix,
        replicas: 4,
        clients: 8,
        loadMs: 18_000,
        faultsAtMs: [4_000, 7_000, 10_000],
        faultSettleMs: 8_000,
      };
}

/** A namespace prefix unique to this process. */
export function labPrefix(tag: string): string {
  return `sjd${tag}${process.pid % 100_000}`;
}
