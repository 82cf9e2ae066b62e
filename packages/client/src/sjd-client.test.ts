import {
  Metadata,
  Server,
  ServerCredentials,
  type ServerWritableStream,
  status,
} from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecodingMethod,
  DraftInit,
  type GenerateRequest,
  type GenerateResponse,
  type GenerationServiceServer,
  GenerationServiceService,
  Redraft,
} from './generated/sjd/v1/sjd.js';
import { SjdClient } from './sjd-client.js';
import { SjdClientError } from './sjd-client-error.js';
import { SjdRpcError } from './sjd-rpc-error.js';

/** A scripted stand-in for the server: no model, just the contract. */
class FakeServer {
  readonly server = new Server();
  readonly requests: GenerateRequest[] = [];
  cancelled = 0;
  port = 0;

  constructor(private readonly name: string) {
    this.server.addService(GenerationServiceService, {
      generate: (call: ServerWritableStream<GenerateRequest, GenerateResponse>) =>
        this.generate(call),
      listModels: (_call, callback) => callback(null, { defaultModel: this.name, models: [] }),
    } satisfies GenerationServiceServer);
  }

  async start(): Promise<this> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    return this;
  }

  private async generate(
    call: ServerWritableStream<GenerateRequest, GenerateResponse>,
  ): Promise<void> {
    const request = call.request;
    this.requests.push(request);
    call.on('cancelled', () => this.cancelled++);
    if (request.prompt === 'invalid') {
      const metadata = new Metadata();
      metadata.set('sjd-field', 'sampling.top_p');
      metadata.set('sjd-allowed-bin', Buffer.from('an integer ≥ 0', 'utf8'));
      call.emit('error', {
        code: status.INVALID_ARGUMENT,
        details: 'Invalid sampling.top_p',
        metadata,
      });
      return;
    }
    const seed = request.seed ?? 99n;
    call.write({
      event: {
        $case: 'start',
        value: {
          seed,
          model: this.name,
          gridWidth: 2,
          gridHeight: 2,
          sequenceLength: 4,
          pixelWidth: 8,
          pixelHeight: 8,
          images: 1,
          method: request.decoding?.method ?? DecodingMethod.DECODING_METHOD_SJD,
          window: 16,
          init: DraftInit.DRAFT_INIT_VERTICAL,
          sampling: { temperature: 1, topK: 0, topP: 1, cfgScale: 3 },
          warnings: [],
          autoWindow: false,
          redraft: Redraft.REDRAFT_COUPLED,
        },
      },
    });
    const steps = request.prompt === 'slow' ? 1000 : 2;
    for (let step = 0; step < steps && !call.cancelled; step++) {
      call.write({
        event: {
          $case: 'tokenBlock',
          value: { image: 0, step, start: step * 2, tokens: [5, 6], acceptedDrafts: 1 },
        },
      });
      if (request.prompt === 'slow') await new Promise((r) => setTimeout(r, 20));
    }
    if (call.cancelled) return;
    call.write({
      event: {
        $case: 'image',
        value: {
          image: 0,
          png: Buffer.from([137, 80]),
          tokens: [5, 6, 5, 6],
          statistics: undefined,
        },
      },
    });
    call.write({
      event: {
        $case: 'summary',
        value: {
          seed,
          statistics: {
            steps: 2,
            tokens: 4,
            stepCompression: 2,
            meanAcceptedDrafts: 1,
            providerMs: 1,
            coreMs: 1,
            totalMs: 2,
          },
          timings: undefined,
        },
      },
    });
    call.end();
  }
}

let a: FakeServer;
let b: FakeServer;
beforeAll(async () => {
  [a, b] = await Promise.all([new FakeServer('a').start(), new FakeServer('b').start()]);
});
afterAll(() => {
  a.server.forceShutdown();
  b.server.forceShutdown();
});

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('SjdClient', () => {
  it('streams typed events in order and sends the request as the proto spells it', async () => {
    const client = new SjdClient({ addresses: [`127.0.0.1:${a.port}`] });
    const events = await collect(
      client.generate({
        prompt: 'a circle',
        seed: 7,
        images: 1,
        sampling: { topK: 5 },
        decoding: { method: 'jacobi', window: 8, init: 'vertical' },
        previewEvery: 3,
      }),
    );
    client.close();
    expect(events.map((e) => e.type)).toEqual([
      'generation-start',
      'token-block',
      'token-block',
      'image-done',
      'generation-done',
    ]);
    const start = events[0]!;
    expect(
      start.type === 'generation-start' && [
        start.seed,
        start.method,
        start.init,
        start.redraft,
        start.window,
        start.sampling.cfgScale,
      ],
    ).toEqual([7, 'jacobi', 'vertical', 'coupled', 16, 3]);
    const block = events[2]!;
    expect(
      block.type === 'token-block' && [block.step, block.start, Array.from(block.tokens)],
    ).toEqual([1, 2, [5, 6]]);
    const request = a.requests.at(-1)!;
    expect(request).toMatchObject({
      prompt: 'a circle',
      seed: 7n,
      images: 1,
      previewEvery: 3,
      sampling: { topK: 5 },
      decoding: {
        method: DecodingMethod.DECODING_METHOD_JACOBI,
        window: 8,
        init: DraftInit.DRAFT_INIT_VERTICAL,
      },
    });
    expect(request.sampling?.temperature).toBeUndefined();
  });

  it('sends an automatic window, its bound, the redraft and the newer initialisers', async () => {
    const client = new SjdClient({ addresses: [`127.0.0.1:${a.port}`] });
    await collect(
      client.generate({
        prompt: 'a circle',
        decoding: {
          method: 'sjd',
          window: 'auto',
          maxWindow: 32,
          redraft: 'coupled',
          init: 'context-frequency',
        },
      }),
    );
    client.close();
    const request = a.requests.at(-1)!;
    expect(request.decoding).toMatchObject({
      method: DecodingMethod.DECODING_METHOD_SJD,
      autoWindow: true,
      maxWindow: 32,
      redraft: Redraft.REDRAFT_COUPLED,
      init: DraftInit.DRAFT_INIT_CONTEXT_FREQUENCY,
    });
    expect(request.decoding?.window).toBeUndefined();
  });

  it('turns a status into an SjdRpcError with the field and what is allowed', async () => {
    const client = new SjdClient({ addresses: `127.0.0.1:${a.port}` });
    const error = await failure(() => collect(client.generate({ prompt: 'invalid' })));
    client.close();
    expect(SjdRpcError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'SjdRpcError',
      status: 'INVALID_ARGUMENT',
      code: 3,
      field: 'sampling.top_p',
      allowed: 'an integer ≥ 0',
    });
  });

  it('an abort cancels the call on the server and throws the signal reason', async () => {
    const client = new SjdClient({ addresses: [`127.0.0.1:${a.port}`] });
    const controller = new AbortController();
    const before = a.cancelled;
    const error = await failure(async () => {
      for await (const event of client.generate(
        { prompt: 'slow' },
        { signal: controller.signal },
      )) {
        if (event.type === 'token-block' && event.step === 2) controller.abort();
      }
    });
    expect((error as Error).name).toBe('AbortError');
    await expect.poll(() => a.cancelled).toBe(before + 1);
    client.close();
  });

  it('breaking out of the loop cancels the call', async () => {
    const client = new SjdClient({ addresses: [`127.0.0.1:${a.port}`] });
    const before = a.cancelled;
    for await (const event of client.generate({ prompt: 'slow' }))
      if (event.type === 'token-block') break;
    await expect.poll(() => a.cancelled).toBe(before + 1);
    client.close();
  });

  it('close() cancels the calls in flight', async () => {
    const client = new SjdClient({ addresses: [`127.0.0.1:${a.port}`] });
    const before = a.cancelled;
    const error = await failure(async () => {
      for await (const event of client.generate({ prompt: 'slow' }))
        if (event.type === 'token-block') client.close();
    });
    expect(error).toMatchObject({ status: 'CANCELLED' });
    await expect.poll(() => a.cancelled).toBe(before + 1);
  });

  it('a timeout ends the call with DEADLINE_EXCEEDED', async () => {
    const client = new SjdClient({ addresses: [`127.0.0.1:${a.port}`] });
    const error = await failure(() =>
      collect(client.generate({ prompt: 'slow' }, { timeoutMs: 100 })),
    );
    client.close();
    expect(error).toMatchObject({ status: 'DEADLINE_EXCEEDED' });
  });

  it('balances calls round-robin over several addresses', async () => {
    const client = new SjdClient({ addresses: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`] });
    const served = new Set<string>();
    for (let i = 0; i < 8; i++) served.add((await client.listModels()).defaultModel);
    client.close();
    expect([...served].sort()).toEqual(['a', 'b']);
  });

  it('reports an unreachable server as UNAVAILABLE', async () => {
    const server = new Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    server.forceShutdown();
    const client = new SjdClient({ addresses: [`127.0.0.1:${port}`] });
    const error = await failure(() => client.listModels());
    client.close();
    expect(error).toMatchObject({ status: 'UNAVAILABLE' });
  });

  it('refuses what the wire cannot carry before sending', () => {
    const client = new SjdClient({ addresses: [`127.0.0.1:${a.port}`] });
    return expect(client.generate({ prompt: 'a', images: 1.5 }).next()).rejects.toSatisfy(
      (e: unknown) => SjdClientError.isInstance(e) && e.field === 'images',
    );
  });

  it('needs addresses or a target', () => {
    expect(() => new SjdClient({})).toThrow(/addresses/);
    expect(() => new SjdClient({ addresses: ['x:1'], target: 'dns:x:1' })).toThrow(/addresses/);
  });
});
