import { KvCache } from '@sjd/core';
import { describe, expect, it } from 'vitest';
import type { ForwardRequest } from './batched-forward.js';
import { ForwardBatcher } from './forward-batcher.js';

/** A pass of `rows` rows whose first token names it. */
function pass(name: number, rows = 1): ForwardRequest {
  return {
    cache: new KvCache(rows, 1, 1, 1),
    blocks: Array.from({ length: rows }, () => Int32Array.of(name)),
    attend: Array.from({ length: rows }, () => [1]),
  };
}

/** A batcher whose "model" records each call's passes and answers each row with its name. */
function recording(maxRows: number, fail?: (names: number[]) => boolean) {
  const calls: number[][] = [];
  const batcher = new ForwardBatcher(async (requests) => {
    const names = requests.map((q) => q.blocks[0]![0]!);
    calls.push(names);
    if (fail?.(names)) throw new Error(`call ${names.join(',')} failed`);
    return requests.map((q) => q.blocks.map((b) => Float32Array.of(b[0]!)));
  }, maxRows);
  return { batcher, calls };
}

describe('ForwardBatcher', () => {
  it('merges the passes submitted before its turn into one call, first come first served, up to maxRows rows', async () => {
    const { batcher, calls } = recording(4);
    const results = await Promise.all([
      batcher.submit(pass(1)),
      batcher.submit(pass(2, 2)),
      batcher.submit(pass(3)),
      batcher.submit(pass(4)),
      batcher.submit(pass(5, 2)),
    ]);
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(results.map((r) => r.map((row) => row[0]))).toEqual([[1], [2, 2], [3], [4], [5, 5]]);
    expect(batcher.peakRows).toBe(4);
  });

  it('runs a session wider than maxRows alone', async () => {
    const { batcher, calls } = recording(2);
    await Promise.all([batcher.submit(pass(1, 3)), batcher.submit(pass(2))]);
    expect(calls).toEqual([[1], [2]]);
  });

  it('passes submitted while a call runs join the next call together', async () => {
    const { batcher, calls } = recording(8);
    const first = batcher.submit(pass(1));
    await Promise.resolve();
    const later = [batcher.submit(pass(2)), batcher.submit(pass(3))];
    await Promise.all([first, ...later]);
    expect(calls.flat().sort()).toEqual([1, 2, 3]);
    expect(calls.at(-1)).toEqual(expect.arrayContaining([2, 3]));
  });

  it('an aborted queued pass is rejected and never run; the others are', async () => {
    const { batcher, calls } = recording(8);
    const controller = new AbortController();
    const a = batcher.submit(pass(1));
    const b = batcher.submit(pass(2), controller.signal);
    const c = batcher.submit(pass(3));
    controller.abort();
    await expect(b).rejects.toThrow(/abort/i);
    expect((await a)[0]![0]).toBe(1);
    expect((await c)[0]![0]).toBe(3);
    expect(calls).toEqual([[1, 3]]);
    await expect(batcher.submit(pass(4), controller.signal)).rejects.toThrow(/abort/i);
  });

  it('a failed call rejects its own passes only; the next call runs', async () => {
    const { batcher } = recording(2, (names) => names.includes(1));
    const outcomes = await Promise.allSettled([
      batcher.submit(pass(1)),
      batcher.submit(pass(2)),
      batcher.submit(pass(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });

  it('runs up to maxCalls calls at once; a pass submitted meanwhile waits for a free call', async () => {
    const started: number[][] = [];
    const finish: (() => void)[] = [];
    const batcher = new ForwardBatcher(
      async (requests) => {
        started.push(requests.map((q) => q.blocks[0]![0]!));
        await new Promise<void>((resolve) => finish.push(resolve));
        return requests.map((q) => q.blocks.map((b) => Float32Array.of(b[0]!)));
      },
      2,
      2,
    );
    const first = [1, 2, 3, 4].map((name) => batcher.submit(pass(name)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const later = batcher.submit(pass(5));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toHaveLength(2); // both calls busy
    finish[0]!();
    await Promise.all(first.slice(0, 2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started.at(-1)).toEqual([5]);
    for (const done of finish.slice(1)) done();
    await Promise.all([...first, later]);
  });

  it('with maxCalls 1, calls run one after another', async () => {
    let running = 0;
    let most = 0;
    const batcher = new ForwardBatcher(
      async (requests) => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return requests.map((q) => q.blocks.map((b) => Float32Array.of(b[0]!)));
      },
      1,
      1,
    );
    await Promise.all([1, 2, 3].map((name) => batcher.submit(pass(name))));
    expect([most, batcher.calls]).toEqual([1, 3]);
  });
});
