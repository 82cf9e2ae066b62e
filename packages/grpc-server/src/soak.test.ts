import type { OnnxLogitsProvider } from '@sjd/backend-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAPTION,
  CHEAP,
  loadTestModel,
  startTestServer,
  type TestServer,
} from './test-support/test-server.js';

let model: OnnxLogitsProvider;
let t: TestServer;
beforeAll(async () => {
  model = await loadTestModel();
  t = await startTestServer({ models: [model], maxConcurrent: 2, maxQueue: 8 });
});
afterAll(async () => {
  await t?.close();
  await model?.release();
});

/** The cheapest requests the tests know (SJD, small window, no CFG). */
const SOAK = { prompt: CAPTION, ...CHEAP };

async function run(requests: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const seed = next++;
      let done = false;
      for await (const event of t.client.generate({ ...SOAK, seed }))
        if (event.type === 'generation-done') done = true;
      expect(done).toBe(true);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function settledRss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

describe('soak', () => {
  it('200 requests leave RSS within 10% of where it was after warm-up, and no session open', async () => {
    await run(40, 4); // warm-up: onnxruntime's arenas and grpc buffers reach their working size
    const before = settledRss();
    const started = performance.now();
    await run(200, 4);
    const seconds = (performance.now() - started) / 1000;
    const after = settledRss();
    const growth = (after - before) / before;
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    console.log(
      `soak: 200 requests in ${seconds.toFixed(1)} s, RSS ${mb(before)} → ${mb(after)} MiB (${(growth * 100).toFixed(1)}% growth)`,
    );
    expect(t.requests().filter((r) => r.outcome === 'OK')).toHaveLength(240);
    expect(model.activeSessions).toBe(0);
    expect(growth).toBeLessThan(0.1);
  });
});
