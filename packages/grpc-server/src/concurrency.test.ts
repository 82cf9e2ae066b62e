import { spawn } from 'node:child_process';
import type { LogitsSession, OnnxLogitsProvider, OpenSessionOptions } from '@sjd/backend-node';
import type { RemoteGenerationEvent, SjdRpcError } from '@sjd/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageModel } from './image-model.js';
import {
  CAPTION,
  CHEAP,
  collect,
  failure,
  loadTestModel,
  startTestServer,
  type TestServer,
} from './test-support/test-server.js';

let model: OnnxLogitsProvider;
beforeAll(async () => {
  model = await loadTestModel();
});
afterAll(() => model?.release());

/** Vanilla AR: one forward pass per token, so a generation lasts long enough to interrupt. */
const SLOW = { decoding: { method: 'ar' }, images: 4 } as const;

/** The model, counting forward passes that start after the generation was aborted. */
function watchedModel(): ImageModel & { evaluationsAfterAbort: number; evaluations: number } {
  const counts = { evaluationsAfterAbort: 0, evaluations: 0 };
  const watched = Object.create(model, {
    openSession: {
      value: async (options: OpenSessionOptions): Promise<LogitsSession> => {
        const session = await model.openSession(options);
        const evaluate = session.evaluate.bind(session);
        session.evaluate = (blocks, evaluateOptions) => {
          counts.evaluations++;
          if (options.signal?.aborted) counts.evaluationsAfterAbort++;
          return evaluate(blocks, evaluateOptions);
        };
        return session;
      },
    },
    evaluationsAfterAbort: { get: () => counts.evaluationsAfterAbort },
    evaluations: { get: () => counts.evaluations },
  });
  return watched;
}

/** Iterates until `stopAfter` token blocks have arrived, then calls `stop`. */
async function consumeUntil(
  events: AsyncIterable<RemoteGenerationEvent>,
  stopAfter: number,
  stop: () => void,
): Promise<unknown> {
  let blocks = 0;
  try {
    for await (const event of events)
      if (event.type === 'token-block' && ++blocks === stopAfter) stop();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('under load', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ models: [model], maxConcurrent: 4, maxQueue: 16 });
  });
  afterAll(() => t?.close());

  it('16 concurrent streams all complete, each with its own image', async () => {
    const runs = Array.from({ length: 16 }, (_, i) =>
      collect(
        t.client.generate({
          prompt: CAPTION,
          seed: 100 + i,
          decoding: { method: 'sjd', window: 16, init: 'vertical' },
        }),
      ),
    );
    const results = await Promise.all(runs);
    for (const [i, events] of results.entries()) {
      expect(events[0]).toMatchObject({ type: 'generation-start', seed: 100 + i });
      expect(events.at(-1)?.type).toBe('generation-done');
      expect(events.filter((e) => e.type === 'image-done')).toHaveLength(1);
    }
    const records = t.requests().slice(-16);
    expect(records.every((r) => r.outcome === 'OK')).toBe(true);
    expect(Math.max(...records.map((r) => r.queueMs ?? 0))).toBeGreaterThan(0);
    expect(model.activeSessions).toBe(0);
    expect(t.server.activeGenerations + t.server.queuedGenerations).toBe(0);
  });
});

describe('limits', () => {
  it('refuses with RESOURCE_EXHAUSTED when every slot and the queue are taken, and serves again after', async () => {
    const t = await startTestServer({ models: [model], maxConcurrent: 1, maxQueue: 1 });
    try {
      const controller = new AbortController();
      let running!: () => void;
      const started = new Promise<void>((resolve) => (running = resolve));
      const first = consumeUntil(
        t.client.generate({ prompt: CAPTION, ...SLOW }, { signal: controller.signal }),
        1,
        running,
      );
      await started;
      const second = collect(t.client.generate({ prompt: CAPTION, ...CHEAP }));
      await expect.poll(() => t.server.queuedGenerations).toBe(1);
      const error = (await failure(() =>
        collect(t.client.generate({ prompt: CAPTION, ...CHEAP })),
      )) as SjdRpcError;
      expect(error.status).toBe('RESOURCE_EXHAUSTED');
      expect(error.details).toMatch(/1 generations running and 1 queued/);
      controller.abort();
      expect(((await first) as Error).name).toBe('AbortError');
      expect((await second).at(-1)?.type).toBe('generation-done');
      expect((await collect(t.client.generate({ prompt: CAPTION, ...CHEAP }))).at(-1)?.type).toBe(
        'generation-done',
      );
      expect(t.requests().map((r) => r.outcome)).toEqual([
        'RESOURCE_EXHAUSTED',
        'CANCELLED',
        'OK',
        'OK',
      ]);
    } finally {
      await t.close();
    }
  });

  it('a request whose deadline passes while queued leaves the queue', async () => {
    const t = await startTestServer({ models: [model], maxConcurrent: 1, maxQueue: 4 });
    try {
      const controller = new AbortController();
      let running!: () => void;
      const started = new Promise<void>((resolve) => (running = resolve));
      const first = consumeUntil(
        t.client.generate({ prompt: CAPTION, ...SLOW }, { signal: controller.signal }),
        1,
        running,
      );
      await started;
      const error = (await failure(() =>
        collect(t.client.generate({ prompt: CAPTION, ...CHEAP }, { timeoutMs: 200 })),
      )) as SjdRpcError;
      expect(error.status).toBe('DEADLINE_EXCEEDED');
      await expect.poll(() => t.server.queuedGenerations).toBe(0);
      controller.abort();
      await first;
    } finally {
      await t.close();
    }
  });
});

describe('cancellation', () => {
  let t: TestServer;
  let watched: ReturnType<typeof watchedModel>;
  beforeAll(async () => {
    watched = watchedModel();
    t = await startTestServer({ models: [watched] });
  });
  afterAll(() => t?.close());

  /** Waits for the next request record and checks that the work stopped and was freed. */
  async function expectFreed(outcome: string, recordsBefore: number): Promise<void> {
    await expect.poll(() => t.requests().length, { timeout: 5000 }).toBe(recordsBefore + 1);
    expect(t.requests().at(-1)?.outcome).toBe(outcome);
    expect(watched.evaluationsAfterAbort).toBeLessThanOrEqual(1);
    expect(model.activeSessions).toBe(0);
    expect(t.server.activeGenerations).toBe(0);
  }

  it('a client that aborts mid-stream stops its generation within one step and frees its session', async () => {
    const before = t.requests().length;
    const controller = new AbortController();
    const error = await consumeUntil(
      t.client.generate({ prompt: CAPTION, ...SLOW }, { signal: controller.signal }),
      20,
      () => controller.abort(),
    );
    expect((error as Error).name).toBe('AbortError');
    await expectFreed('CANCELLED', before);
    // Far fewer forward passes than the 4 × sequence length the request asked for.
    expect(watched.evaluations).toBeLessThan(
      4 * model.manifest.image.gridWidth * model.manifest.image.gridHeight,
    );
  });

  it('a client that disconnects mid-stream (its process killed) is treated the same', async () => {
    const before = t.requests().length;
    const clientModule = new URL('../../client/dist/index.js', import.meta.url).href;
    const script = `
      const { SjdClient } = await import(process.argv[1]);
      const client = new SjdClient({ addresses: [process.argv[2]] });
      let blocks = 0;
      for await (const e of client.generate({ prompt: '${CAPTION}', decoding: { method: 'ar' }, images: 4 })) {
        if (e.type === 'token-block' && ++blocks === 5) console.log('streaming');
      }`;
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', script, clientModule, t.address],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => String(chunk).includes('streaming') && resolve());
      child.on('exit', (code) => reject(new Error(`the client exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await expectFreed('CANCELLED', before);
  });

  it('a passed deadline ends the call with DEADLINE_EXCEEDED and stops the work', async () => {
    const before = t.requests().length;
    const error = (await failure(() =>
      collect(t.client.generate({ prompt: CAPTION, ...SLOW }, { timeoutMs: 300 })),
    )) as SjdRpcError;
    expect(error.status).toBe('DEADLINE_EXCEEDED');
    await expectFreed('DEADLINE_EXCEEDED', before);
  });
});
