import { describe, expect, it } from 'vitest';
import type { RequestRecord } from './load-generator.js';
import { percentile, summarisePath } from './path-summary.js';

const record = (startMs: number, endMs: number, errors: string[], ok: boolean): RequestRecord => ({
  seed: startMs,
  startMs,
  endMs,
  errors,
  ok,
});

describe('summarisePath', () => {
  it('counts sent, completed, retried, failed attempts and lost generations', () => {
    const summary = summarisePath(
      'p',
      3,
      [
        record(0, 100, [], true),
        record(0, 300, ['UNAVAILABLE: x'], true),
        record(50, 400, ['UNAVAILABLE: x', 'UNAVAILABLE: x'], false),
        record(60, 70, ['INVALID_ARGUMENT: y'], false),
      ],
      [200, 250],
    );
    expect(summary).toMatchObject({
      path: 'p',
      replicas: 3,
      sent: 4,
      completed: 2,
      failed: 4,
      retried: 2,
      lost: 2,
      p50Ms: 100,
      p99Ms: 300,
      p99MsDuringFault: 300,
      failures: { 'UNAVAILABLE: x': 3, 'INVALID_ARGUMENT: y': 1 },
    });
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });
});
