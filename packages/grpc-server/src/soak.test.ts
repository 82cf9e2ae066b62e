import { describe, expect, it } from 'vitest';
import { CAPTION, CHEAP, useTestServer } from './test-support/test-server.js';

const fx = useTestServer({ maxConcurrent: 2, maxQueue: 8 });

/** The cheapest requests the tests know (SJD, small window, no CFG). */
const SOAK = { prompt: CAPTION, ...CHEAP };

async function run(requests: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const seed = next++;
      let done = false;
      for await (const event of fx.t.client.generate({ ...SOAK, seed }))
        if (event.type === 'generation-done') done = true;
      expect(done).toBe(true);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Resident set and JavaScript heap after a full collection. */
function settledMemory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heap: heapUsed };
}

describe('soak', () => {
  it('a second 200 requests leave the heap within 10% and RSS within 25% of where the first 200 left them, and no session open', async () => {
    // Warm-up and a first round: onnxruntime's arenas, the allocator and grpc buffers reach
    // their working size (RSS still moved by ±10% over the first 200 from one run to the next).
    await run(240, 4);
    const before = settledMemory();
    const started = performance.now();
    await run(200, 4);
    const seconds = (performance.now() - started) / 1000;
    const after = settledMemory();
    const growth = (after.rss - before.rss) / before.rss;
    const heapGrowth = (after.heap - before.heap) / before.heap;
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    console.log(
      `soak: 200 requests in ${seconds.toFixed(1)} s, RSS ${mb(before.rss)} → ${mb(after.rss)} MiB (${(growth * 100).toFixed(1)}%), heap ${mb(before.heap)} → ${mb(after.heap)} MiB (${(heapGrowth * 100).toFixed(1)}%)`,
    );
    expect(fx.t.requests().filter((r) => r.outcome === 'OK')).toHaveLength(440);
    expect(fx.model.activeSessions).toBe(0);
    // The JavaScript heap after a collection is steady to ±2% from run to run: a leak of
    // JavaScript objects shows there. RSS moves by ±15% between identical runs (the
    // allocator's arenas on two threads; 186 → 208 MiB once, 214 → 181 another time), so it
    // only catches a gross native leak; onnxruntime sessions are counted exactly above.
    expect(heapGrowth).toBeLessThan(0.1);
    expect(growth).toBeLessThan(0.25);
  });
});
