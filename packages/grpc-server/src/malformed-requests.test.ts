import {
  type ClientReadableStream,
  credentials,
  makeGenericClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import type { GenerateParams, SjdRpcError } from '@sjd/client';
import { describe, expect, it } from 'vitest';
import {
  GenerateRequest,
  type GenerateResponse,
  GenerationServiceClient,
  GenerationServiceService,
} from './generated/sjd/v1/sjd.js';
import { CAPTION, CHEAP, collect, failure, useTestServer } from './test-support/test-server.js';

const fx = useTestServer({ maxImagesPerRequest: 4 });

const many = Array.from({ length: 60 }, () => 'circle').join(' ');

/** Requests the typed client sends as they are; the server must name the field. */
const viaClient: [string, string, string, Partial<GenerateParams>][] = [
  ['an empty prompt', 'INVALID_ARGUMENT', 'prompt', { prompt: '' }],
  ['a word the model does not know', 'INVALID_ARGUMENT', 'prompt', { prompt: 'a large zebra' }],
  ['a prompt longer than the model reads', 'INVALID_ARGUMENT', 'prompt', { prompt: many }],
  [
    'a negative temperature',
    'INVALID_ARGUMENT',
    'sampling.temperature',
    { sampling: { temperature: -1 } },
  ],
  [
    'a NaN temperature',
    'INVALID_ARGUMENT',
    'sampling.temperature',
    { sampling: { temperature: Number.NaN } },
  ],
  ['a negative top-k', 'INVALID_ARGUMENT', 'sampling.top_k', { sampling: { topK: -3 } }],
  ['top-p 0', 'INVALID_ARGUMENT', 'sampling.top_p', { sampling: { topP: 0 } }],
  ['top-p above 1', 'INVALID_ARGUMENT', 'sampling.top_p', { sampling: { topP: 1.5 } }],
  [
    'an infinite CFG scale',
    'INVALID_ARGUMENT',
    'sampling.cfg_scale',
    { sampling: { cfgScale: Number.POSITIVE_INFINITY } },
  ],
  ['window 0', 'INVALID_ARGUMENT', 'decoding.window', { decoding: { window: 0 } }],
  ['a window above 1024', 'INVALID_ARGUMENT', 'decoding.window', { decoding: { window: 5000 } }],
  [
    'an automatic window for Jacobi',
    'INVALID_ARGUMENT',
    'decoding.window',
    { decoding: { method: 'jacobi', window: 'auto' } },
  ],
  [
    'max window 0',
    'INVALID_ARGUMENT',
    'decoding.max_window',
    { decoding: { method: 'sjd', window: 'auto', maxWindow: 0 } },
  ],
  [
    'more than 15 branches',
    'INVALID_ARGUMENT',
    'decoding.branches',
    { decoding: { method: 'sjd', branches: 16 } },
  ],
  [
    'branches for vanilla AR',
    'INVALID_ARGUMENT',
    'decoding.branches',
    { decoding: { method: 'ar', branches: 2 } },
  ],
  ['0 images', 'INVALID_ARGUMENT', 'images', { images: 0 }],
  ['negative images', 'INVALID_ARGUMENT', 'images', { images: -2 }],
  ['more images than the server allows', 'INVALID_ARGUMENT', 'images', { images: 5 }],
  ['a seed beyond 2^53', 'INVALID_ARGUMENT', 'seed', { seed: 2 ** 60 }],
  ['a negative preview interval', 'INVALID_ARGUMENT', 'preview_every', { previewEvery: -1 }],
  ['a negative block interval', 'INVALID_ARGUMENT', 'block_interval_ms', { blockIntervalMs: -1 }],
  ['an unknown model', 'NOT_FOUND', 'model', { model: 'no-such-model' }],
];

function rawGenerate(request: GenerateRequest): Promise<ServiceError> {
  const client = new GenerationServiceClient(fx.t.address, credentials.createInsecure());
  return expectError(client.generate(request)).finally(() => client.close());
}

function expectError(call: ClientReadableStream<unknown>): Promise<ServiceError> {
  return new Promise((resolve, reject) => {
    call.on('data', () => {});
    call.on('error', resolve);
    call.on('end', () => reject(new Error('the call succeeded')));
  });
}

describe('malformed requests', () => {
  it.each(viaClient)('%s → %s naming %s', async (_, status, field, params) => {
    const error = (await failure(() =>
      collect(fx.t.client.generate({ prompt: CAPTION, ...CHEAP, ...params })),
    )) as SjdRpcError;
    expect(error.name).toBe('SjdRpcError');
    expect([error.status, error.field]).toEqual([status, field]);
    expect(error.details).toContain(field === 'prompt' ? 'prompt' : field);
    if (status === 'INVALID_ARGUMENT') expect(error.allowed).toBeTruthy();
  });

  it.each([
    ['decoding.method', { decoding: { method: 42 } }],
    ['decoding.init', { decoding: { init: 9 } }],
    ['decoding.redraft', { decoding: { redraft: 7 } }],
  ])('an unknown enum value → INVALID_ARGUMENT naming %s', async (field, fields) => {
    const error = await rawGenerate(GenerateRequest.fromPartial({ prompt: CAPTION, ...fields }));
    expect(error.code).toBe(3);
    expect(error.details).toContain(field);
    expect(error.metadata.get('sjd-field')).toEqual([field]);
  });

  it('bytes that are no GenerateRequest → INVALID_ARGUMENT naming the request', async () => {
    const definition = {
      generate: {
        ...GenerationServiceService.generate,
        requestSerialize: (bytes: Buffer) => bytes,
      },
    };
    const Raw = makeGenericClientConstructor(definition, 'Raw');
    const client = new Raw(fx.t.address, credentials.createInsecure()) as unknown as {
      generate(bytes: Buffer): ClientReadableStream<GenerateResponse>;
      close(): void;
    };
    const error = await expectError(
      client.generate(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])),
    );
    client.close();
    expect(error.code).toBe(3);
    expect(error.metadata.get('sjd-field')).toEqual(['request']);
  });

  it('after all of them the server still serves, logged every one, and holds no session', async () => {
    const events = await collect(fx.t.client.generate({ prompt: CAPTION, ...CHEAP }));
    expect(events.at(-1)?.type).toBe('generation-done');
    const outcomes = fx.t.requests().map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'INVALID_ARGUMENT')).toHaveLength(viaClient.length - 1 + 4);
    expect(outcomes.filter((o) => o === 'NOT_FOUND')).toHaveLength(1);
    expect(outcomes.at(-1)).toBe('OK');
    expect(fx.model.activeSessions).toBe(0);
    expect(fx.t.server.activeGenerations).toBe(0);
  });
});

describe('malformed ListModels requests', () => {
  it('bytes that are no ListModelsRequest → INVALID_ARGUMENT naming the request', async () => {
    const definition = {
      listModels: {
        ...GenerationServiceService.listModels,
        requestSerialize: (bytes: Buffer) => bytes,
      },
    };
    const Raw = makeGenericClientConstructor(definition, 'Raw');
    const client = new Raw(fx.t.address, credentials.createInsecure()) as unknown as {
      listModels(bytes: Buffer, callback: (error: ServiceError | null) => void): void;
      close(): void;
    };
    const error = await new Promise<ServiceError | null>((resolve) =>
      client.listModels(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), resolve),
    );
    client.close();
    expect(error?.code).toBe(3);
    expect(error?.metadata.get('sjd-field')).toEqual(['request']);
    expect(fx.t.requests().at(-1)).toMatchObject({ outcome: 'INVALID_ARGUMENT', field: 'request' });
  });
});
