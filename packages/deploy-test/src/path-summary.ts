import type { RequestRecord } from './load-generator.js';

/** One path's line in `bench/results/cluster.json`. */
export interface PathSummary {
  readonly path: string;
  readonly replicas: number;
  /** Generations asked for. */
  readonly sent: number;
  /** Generations that ended with their image, at the first attempt or a later one. */
  readonly completed: number;
  /** Attempts that failed, all statuses (see `failures`); gRPC's own transparent retries are not seen. */
  readonly failed: number;
  /** Generations the caller had to send again after a retryable status. */
  readonly retried: number;
  /** Generations that never completed: `sent − completed`. The goal is 0. */
  readonly lost: number;
  /** Latency from first send to the last event, over the completed generations. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The same over the generations in flight at any time during the fault window. */
  readonly p99MsDuringFault: number;
  /** Failed attempts by status and message. */
  readonly failures: Readonly<Record<string, number>>;
}

/** Summarises what the load generator saw; `faultWindow` is `[from, to]` in `Date.now()` milliseconds. */
export function summarisePath(
  path: string,
  replicas: number,
  requests: readonly RequestRecord[],
  faultWindow: readonly [number, number],
): PathSummary {
  const completed = requests.filter((r) => r.ok);
  const latency = (rs: readonly RequestRecord[]) => rs.map((r) => r.endMs - r.startMs);
  const duringFault = completed.filter(
    (r) => r.startMs <= faultWindow[1] && r.endMs >= faultWindow[0],
  );
  const failures: Record<string, number> = {};
  for (const error of requests.flatMap((r) => r.errors)) {
    failures[error] = (failures[error] ?? 0) + 1;
  }
  return {
    path,
    replicas,
    sent: requests.length,
    completed: completed.length,
    failed: requests.reduce((n, r) => n + r.errors.length, 0),
    retried: requests.filter((r) => r.errors.length > (r.ok ? 0 : 1)).length,
    lost: requests.length - completed.length,
    p50Ms: percentile(latency(completed), 0.5),
    p99Ms: percentile(latency(completed), 0.99),
    p99MsDuringFault: percentile(latency(duringFault), 0.99),
    failures,
  };
}

/** Nearest-rank percentile, rounded to a millisecond; 0 for no values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
}
