import {
  encodePrompt,
  generate,
  OnnxLogitsProvider,
  type OpenSessionOptions,
} from '@sjd/backend-node';
import { type RemoteGenerationEvent, SjdClient, type SjdRpcError } from '@sjd/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageModel } from './image-model.js';
import {
  CAPTION,
  CHEAP,
  collect,
  failure,
  startTestServer,
  type TestServer,
  testModelDir,
} from './test-support/test-server.js';

// Admission by batch capacity over real gRPC on loopback, on a model whose concurrent
// sessions' forward passes are merged (maxBatchRows > 1).
let batched: OnnxLogitsProvider;
beforeAll(async () => {
  batched = await OnnxLogitsProvider.load({ modelDir: testModelDir, maxBatchRows: 8 });
});
afterAll(() => batched?.release());

/** A client with its own connection (so the server sees another peer: another client). */
function ownClient(address: string): SjdClient {
  return new SjdClient({
    addresses: [address],
    channelOptions: { 'grpc.enable_retries': 0, 'grpc.use_local_subchannel_pool': 1 },
  });
}

/** A classifier-free-guided request: two rows. */
const GUIDED = { ...CHEAP, sampling: { cfgScale: 3 } } as const;

/** Resolves at the first token block of a stream that is being collected. */
function collectAndWatch(events: AsyncIterable<RemoteGenerationEvent>) {
  let started!: () => void;
  const firstBlock = new Promise<void>((resolve) => (started = resolve));
  const all = (async () => {
    const seen: RemoteGenerationEvent[] = [];
    for await (const event of events) {
      if (event.type === 'token-block') started();
      seen.push(event);
    }
    return seen;
  })();
  return { firstBlock, all };
}

describe('fair admission across clients (2 rows: one guided generation at a time)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ models: [batched], maxBatchRows: 2, maxQueue: 8 });
  });
  afterAll(() => t?.close());

  it("another client's 1-image request finishes before one client's 16-image request ends", async () => {
    const a = ownClient(t.address);
    const b = ownClient(t.address);
    try {
      const order: string[] = [];
      const long = collectAndWatch(a.generate({ prompt: CAPTION, ...GUIDED, images: 16 }));
      await long.firstBlock;
      const short = collect(b.generate({ prompt: CAPTION, ...GUIDED, images: 1 })).then((e) => {
        order.push('short');
        return e;
      });
      const longEvents = await long.all.then((e) => {
        order.push('long');
        return e;
      });
      const shortEvents = await short;
      expect(order).toEqual(['short', 'long']);
      expect(longEvents.filter((e) => e.type === 'image-done')).toHaveLength(16);
      expect(shortEvents.at(-1)?.type).toBe('generation-done');
      // The 1-image request did wait (the capacity was taken), then ran between two images.
      const records = t.requests().slice(-2);
      expect(records.map((r) => [r.images, r.outcome])).toEqual([
        [1, 'OK'],
        [16, 'OK'],
      ]);
      expect(records[0]!.queueMs).toBeGreaterThan(0);
      expect(t.server.activeGenerations + t.server.queuedGenerations).toBe(0);
    } finally {
      a.close();
      b.close();
    }
  });

  it("one client's many queued requests do not hold back another client's one", async () => {
    const a = ownClient(t.address);
    const b = ownClient(t.address);
    try {
      const order: string[] = [];
      const first = collectAndWatch(a.generate({ prompt: CAPTION, ...GUIDED, seed: 1 }));
      await first.firstBlock;
      const queuedA = [2, 3, 4].map((seed) =>
        collect(a.generate({ prompt: CAPTION, ...GUIDED, seed })).then(() =>
          order.push(`a${seed}`),
        ),
      );
      await expect.poll(() => t.server.queuedGenerations).toBe(3);
      const fromB = collect(b.generate({ prompt: CAPTION, ...GUIDED, seed: 9 })).then(() =>
        order.push('b'),
      );
      await Promise.all([first.all, ...queuedA, fromB]);
      // Fair turns: b is next after the running one, ahead of a's queued requests.
      expect(order[0]).toBe('b');
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('merged generations: one row stopping leaves the others untouched', () => {
  let t: TestServer;
  let alone: OnnxLogitsProvider;
  beforeAll(async () => {
    alone = await OnnxLogitsProvider.load({ modelDir: testModelDir });
    t = await startTestServer({ models: [batched], maxBatchRows: 8 });
  });
  afterAll(async () => {
    await t?.close();
    await alone?.release();
  });

  it('a cancelled and a timed-out request leave the others their own tokens', async () => {
    const kept = [11, 12, 13].map((seed, i) => ({
      prompt: CAPTION,
      seed,
      ...(i === 1 ? GUIDED : CHEAP),
    }));
    const callsBefore = batched.batcher!.calls;
    const passesBefore = batched.batcher!.passes;
    const cancel = new AbortController();
    const cancelled = (async () => {
      let blocks = 0;
      try {
        for await (const event of t.client.generate(
          { prompt: CAPTION, seed: 21, ...CHEAP, images: 16 },
          { signal: cancel.signal },
        )) {
          if (event.type === 'token-block' && ++blocks === 10) cancel.abort();
        }
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    const timedOut = failure(() =>
      collect(
        t.client.generate({ prompt: CAPTION, seed: 22, ...GUIDED, images: 16 }, { timeoutMs: 400 }),
      ),
    );
    const results = await Promise.all(kept.map((p) => collect(t.client.generate(p))));
    expect(((await cancelled) as Error).name).toBe('AbortError');
    expect(((await timedOut) as SjdRpcError).status).toBe('DEADLINE_EXCEEDED');
    // They were merged: fewer decoder calls than passes.
    expect(batched.batcher!.passes - passesBefore).toBeGreaterThan(
      batched.batcher!.calls - callsBefore,
    );
    for (const [i, events] of results.entries()) {
      const done = events.find((e) => e.type === 'image-done');
      expect(done?.type).toBe('image-done');
      const p = kept[i]!;
      const prompt = encodePrompt(alone.manifest, CAPTION);
      const reference = await generate({
        provider: alone,
        prompt: prompt.conditional,
        unconditionalPrompt: prompt.unconditional,
        seed: p.seed,
        sampling: { ...alone.manifest.sampling, ...p.sampling },
        decoding: p.decoding,
      });
      expect(done?.type === 'image-done' && [...done.tokens]).toEqual([
        ...reference.images[0]!.tokens,
      ]);
    }
    await expect.poll(() => batched.activeSessions).toBe(0);
    expect(t.server.activeGenerations).toBe(0);
  });
});

describe('memory is bounded by configuration', () => {
  it('rows decoding never pass maxBatchRows; past the queue, RESOURCE_EXHAUSTED', async () => {
    let open = 0;
    let peakOpen = 0;
    // Counts the model's open sessions (each generation's KV cache).
    const counted: ImageModel = Object.create(batched, {
      openSession: {
        value: async (options: OpenSessionOptions) => {
          const session = await batched.openSession(options);
          peakOpen = Math.max(peakOpen, ++open);
          const dispose = session.dispose.bind(session);
          session.dispose = async () => {
            open--;
            await dispose();
          };
          return session;
        },
      },
    });
    const t = await startTestServer({ models: [counted], maxBatchRows: 4, maxQueue: 2 });
    try {
      batched.batcher!.peakRows = 0;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          collect(t.client.generate({ prompt: CAPTION, seed: 40 + i, ...CHEAP, images: 4 })),
        ),
      );
      const refused = outcomes.filter(
        (o) => o.status === 'rejected' && (o.reason as SjdRpcError).status === 'RESOURCE_EXHAUSTED',
      );
      const ok = outcomes.filter((o) => o.status === 'fulfilled');
      expect(refused.length).toBeGreaterThan(0);
      expect(ok.length + refused.length).toBe(12);
      expect(peakOpen).toBeLessThanOrEqual(4);
      expect(batched.batcher!.peakRows).toBeLessThanOrEqual(4);
      expect(open).toBe(0);
    } finally {
      await t.close();
    }
  });
});
