import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { fromBinary, isFieldSet } from '@bufbuild/protobuf';
import { FieldDescriptorProtoSchema, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import {
  credentials,
  loadPackageDefinition,
  makeGenericClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { encodePng, encodePrompt, generate, type OnnxLogitsProvider } from '@sjd/backend-node';
import { SjdClient, type SjdRpcError } from '@sjd/client';
import { service as healthService } from 'grpc-health-check';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { ServerLogRecord } from './server-log.js';
import { jsonLineLogger } from './server-log.js';
import { SERVER_DEFAULTS } from './server-options.js';
import { GENERATION_SERVICE_NAME, SjdGrpcServer } from './sjd-grpc-server.js';
import {
  CAPTION,
  CHEAP,
  collect,
  failure,
  startTestServer,
  useTestServer,
} from './test-support/test-server.js';

const fx = useTestServer();

type HealthClient = {
  check(
    request: { service: string },
    callback: (e: ServiceError | null, r: { status: string | number }) => void,
  ): void;
  close(): void;
};

function healthClient(port: number): HealthClient {
  const Client = makeGenericClientConstructor(healthService, 'Health');
  return new Client(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as HealthClient;
}

function healthOf(client: HealthClient, service: string): Promise<string> {
  return new Promise((resolve, reject) =>
    client.check({ service }, (error, response) =>
      error ? reject(error) : resolve(String(response.status)),
    ),
  );
}

describe('health', () => {
  it('says NOT_SERVING until the model is loaded, then SERVING; Generate is UNAVAILABLE meanwhile', async () => {
    let provide: (models: OnnxLogitsProvider[]) => void = () => {};
    const models = new Promise<OnnxLogitsProvider[]>((resolve) => (provide = resolve));
    const server = new SjdGrpcServer({ models, log: () => {} });
    const port = await server.listen({ host: '127.0.0.1', port: 0 });
    const health = healthClient(port);
    const client = new SjdClient({ addresses: [`127.0.0.1:${port}`] });
    try {
      expect(await healthOf(health, '')).toMatch(/NOT_SERVING|2/);
      expect(await healthOf(health, GENERATION_SERVICE_NAME)).toMatch(/NOT_SERVING|2/);
      const error = (await failure(() =>
        collect(client.generate({ prompt: CAPTION, ...CHEAP })),
      )) as SjdRpcError;
      expect(error.status).toBe('UNAVAILABLE');
      expect((await failure(() => client.listModels())) as SjdRpcError).toMatchObject({
        status: 'UNAVAILABLE',
      });
      provide([fx.model]);
      await server.ready();
      expect(await healthOf(health, '')).toMatch(/^(SERVING|1)$/);
      expect(await healthOf(health, GENERATION_SERVICE_NAME)).toMatch(/^(SERVING|1)$/);
      expect((await collect(client.generate({ prompt: CAPTION, ...CHEAP }))).at(-1)?.type).toBe(
        'generation-done',
      );
    } finally {
      health.close();
      client.close();
      await server.shutdown(0);
    }
  });
});

describe('Generate', () => {
  it('streams start, one block per step, previews, the PNG and a summary, equal to in-process generation', async () => {
    const events = await collect(
      fx.t.client.generate({
        prompt: CAPTION,
        seed: 7,
        previewEvery: 4,
        decoding: { method: 'sjd', window: 16, init: 'vertical' },
      }),
    );
    const start = events[0]!;
    if (start.type !== 'generation-start') throw new Error(`first event is ${start.type}`);
    const { gridWidth, gridHeight, pixelWidth, pixelHeight } = fx.model.manifest.image;
    expect(start).toMatchObject({
      seed: 7,
      model: fx.model.manifest.name,
      gridWidth,
      gridHeight,
      pixelWidth,
      pixelHeight,
      images: 1,
      method: 'sjd',
      window: 16,
      init: 'vertical',
    });
    expect(start.sampling).toEqual(fx.model.manifest.sampling);

    const blocks = events.filter((e) => e.type === 'token-block');
    const previews = events.filter((e) => e.type === 'image-preview');
    const done = events.filter((e) => e.type === 'image-done');
    const summary = events.at(-1)!;
    if (summary.type !== 'generation-done' || done.length !== 1)
      throw new Error('no summary or image');
    expect(events.map((e) => e.type).indexOf('image-done')).toBe(events.length - 2);
    // Blocks tile the sequence in order; the image's tokens are exactly what they committed.
    let position = 0;
    for (const [step, block] of blocks.entries()) {
      expect([block.image, block.step, block.start]).toEqual([0, step, position]);
      expect(block.tokens.length).toBeGreaterThanOrEqual(1);
      position += block.tokens.length;
    }
    expect(position).toBe(start.sequenceLength);
    expect(Array.from(done[0]!.tokens)).toEqual(blocks.flatMap((b) => Array.from(b.tokens)));
    expect(previews.length).toBe(Math.floor((blocks.length - 1) / 4));
    for (const preview of previews)
      expect(PNG.sync.read(Buffer.from(preview.png)).width).toBe(pixelWidth);
    expect(summary.statistics.steps).toBe(blocks.length);
    expect(summary.statistics.stepCompression).toBeCloseTo(start.sequenceLength / blocks.length);
    expect(summary.timings.firstBlockMs).toBeGreaterThan(0);
    expect(summary.timings.totalMs).toBeGreaterThanOrEqual(summary.timings.firstBlockMs);

    // The same request in process: same tokens, byte-identical PNG.
    const prompt = encodePrompt(fx.model.manifest, CAPTION);
    const local = await generate({
      provider: fx.model,
      prompt: prompt.conditional,
      unconditionalPrompt: prompt.unconditional,
      seed: 7,
      sampling: fx.model.manifest.sampling,
      decoding: { method: 'sjd', window: 16, init: 'vertical' },
    });
    expect(Array.from(done[0]!.tokens)).toEqual(Array.from(local.images[0]!.tokens));
    const png = encodePng(
      await fx.model.decodeImage(local.images[0]!.codes),
      pixelWidth,
      pixelHeight,
    );
    expect(Buffer.from(done[0]!.png).equals(png)).toBe(true);
  });

  it('passes proactive branches on: the same tokens as the same request in process', async () => {
    const decoding = { method: 'sjd', window: 16, init: 'vertical', branches: 3 } as const;
    const events = await collect(fx.t.client.generate({ prompt: CAPTION, seed: 11, decoding }));
    const done = events.find((e) => e.type === 'image-done');
    if (done?.type !== 'image-done') throw new Error('no image');
    const prompt = encodePrompt(fx.model.manifest, CAPTION);
    const local = (branches: number) =>
      generate({
        provider: fx.model,
        prompt: prompt.conditional,
        unconditionalPrompt: prompt.unconditional,
        seed: 11,
        sampling: fx.model.manifest.sampling,
        decoding: { ...decoding, branches },
      });
    const [withBranches, without] = [await local(3), await local(0)];
    expect(withBranches.statistics.branchSteps).toBeGreaterThan(0);
    // Branches change which coins go where: a server that dropped the field would differ.
    expect(Array.from(without.images[0]!.tokens)).not.toEqual(
      Array.from(withBranches.images[0]!.tokens),
    );
    expect(Array.from(done.tokens)).toEqual(Array.from(withBranches.images[0]!.tokens));
  });

  it('generates several images in order from one request and reports a random seed it can replay', async () => {
    const greedy = {
      ...CHEAP,
      decoding: { method: 'jacobi', window: 16, init: 'vertical' },
    } as const;
    const events = await collect(fx.t.client.generate({ prompt: CAPTION, images: 2, ...greedy }));
    const start = events[0]!;
    if (start.type !== 'generation-start') throw new Error('no start');
    expect(Number.isSafeInteger(start.seed)).toBe(true);
    expect(start.warnings).toEqual([expect.stringMatching(/greedy/)]);
    const images = events.filter((e) => e.type === 'image-done');
    expect(images.map((e) => e.image)).toEqual([0, 1]);
    const firstOfImage1 = events.findIndex((e) => e.type === 'token-block' && e.image === 1);
    expect(events.findIndex((e) => e.type === 'image-done')).toBeLessThan(firstOfImage1);
    const replay = await collect(
      fx.t.client.generate({ prompt: CAPTION, images: 2, seed: start.seed, ...greedy }),
    );
    expect(replay.filter((e) => e.type === 'image-done').map((e) => Array.from(e.tokens))).toEqual(
      images.map((e) => Array.from(e.tokens)),
    );
  });
  it('with block_interval_ms, sends the steps committed meanwhile as one token block, in order', async () => {
    const request = { prompt: CAPTION, images: 2, seed: 31, ...CHEAP } as const;
    const everyStep = await collect(fx.t.client.generate(request));
    // An interval no run reaches: the first block of the stream goes out at once, then
    // blocks are held until the next other message (the image) and leave as one.
    const held = await collect(fx.t.client.generate({ ...request, blockIntervalMs: 600_000 }));
    const imagesOf = (events: typeof held) =>
      events.filter((e) => e.type === 'image-done').map((e) => Array.from(e.tokens));
    expect(imagesOf(held)).toEqual(imagesOf(everyStep));
    expect(held.map((e) => e.type)).toEqual([
      'generation-start',
      'token-block',
      'token-block',
      'image-done',
      'token-block',
      'image-done',
      'generation-done',
    ]);
    const steps = (image: number) =>
      everyStep.filter((e) => e.type === 'token-block' && e.image === image);
    for (const image of [0, 1]) {
      const blocks = held.filter((e) => e.type === 'token-block' && e.image === image);
      const tokens = blocks.flatMap((b) => (b.type === 'token-block' ? Array.from(b.tokens) : []));
      expect(tokens).toEqual(imagesOf(everyStep)[image]);
      const last = blocks.at(-1)!;
      expect(last.type === 'token-block' && last.step).toBe(steps(image).length - 1);
    }
    expect(everyStep.length).toBeGreaterThan(held.length);
  });

  it('by default sends token blocks at most every 16 ms: every step’s tokens, in order, in fewer messages', async () => {
    // A server with the default interval (the test servers send every step).
    expect(SERVER_DEFAULTS.blockIntervalMs).toBe(16);
    const t = await startTestServer({
      models: [fx.model],
      blockIntervalMs: SERVER_DEFAULTS.blockIntervalMs,
    });
    try {
      // AR: one token a step, 256 steps, far more often than every 16 ms.
      const request = { prompt: CAPTION, seed: 5, decoding: { method: 'ar' } } as const;
      const merged = await collect(t.client.generate({ ...request, blockIntervalMs: 0 }));
      const everyStep = await collect(fx.t.client.generate(request));
      const blocksOf = (events: typeof merged) => events.filter((e) => e.type === 'token-block');
      const tokens = (events: typeof merged) =>
        blocksOf(events).flatMap((b) => (b.type === 'token-block' ? Array.from(b.tokens) : []));
      expect(tokens(merged)).toEqual(tokens(everyStep));
      const done = merged.find((e) => e.type === 'image-done');
      expect(done?.type === 'image-done' && Array.from(done.tokens)).toEqual(tokens(everyStep));
      const blocks = blocksOf(merged);
      expect(blocks[0]!.type === 'token-block' && blocks[0]!.step).toBe(0);
      let position = 0;
      for (const block of blocks) {
        if (block.type !== 'token-block') continue;
        expect(block.start).toBe(position);
        position += block.tokens.length;
      }
      const last = blocks.at(-1)!;
      expect(last.type === 'token-block' && last.step).toBe(blocksOf(everyStep).length - 1);
      expect(blocks.length).toBeLessThan(blocksOf(everyStep).length / 2);
    } finally {
      await t.close();
    }
  });

  it('reads a shapes caption in any shape order as the reading order the model was trained on', async () => {
    const tokens = async (prompt: string) =>
      (await collect(fx.t.client.generate({ prompt, seed: 5, ...CHEAP })))
        .filter((e) => e.type === 'image-done')
        .map((e) => Array.from(e.tokens));
    const inOrder = 'a small blue square at the top left and a large red circle in the centre';
    const reversed = 'a large red circle in the centre and a small blue square at the top left';
    expect(await tokens(reversed)).toEqual(await tokens(inOrder));
  });

  it('runs SJD with an automatic window, coupled redrafts and a newer initialiser', async () => {
    const events = await collect(
      fx.t.client.generate({
        prompt: CAPTION,
        seed: 5,
        decoding: {
          method: 'sjd',
          window: 'auto',
          maxWindow: 32,
          redraft: 'coupled',
          init: 'context-frequency',
        },
      }),
    );
    expect(events[0]).toMatchObject({
      type: 'generation-start',
      window: 'auto',
      redraft: 'coupled',
      init: 'context-frequency',
    });
    expect(events.at(-1)?.type).toBe('generation-done');
    expect(fx.t.requests().at(-1)?.decoding).toBe('sjd L=auto context-frequency coupled');
  });
});

type ReflectionAnswer = {
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
};

/** Sends server reflection (grpc.reflection.v1) requests on one stream; resolves with the answers. */
async function reflect(...requests: object[]): Promise<ReflectionAnswer[]> {
  const require = createRequire(import.meta.url);
  const protoRoot = require
    .resolve('@grpc/reflection/package.json')
    .replace(/package\.json$/, 'build/proto');
  const definition = loadSync('grpc/reflection/v1/reflection.proto', {
    includeDirs: [protoRoot],
  });
  const grpcPackage = loadPackageDefinition(definition) as unknown as {
    grpc: {
      reflection: {
        v1: { ServerReflection: new (target: string, c: unknown) => ReflectionClient };
      };
    };
  };
  type ReflectionCall = NodeJS.ReadWriteStream & { write(message: object): boolean; end(): void };
  type ReflectionClient = { serverReflectionInfo(): ReflectionCall; close(): void };
  const client = new grpcPackage.grpc.reflection.v1.ServerReflection(
    `127.0.0.1:${fx.t.port}`,
    credentials.createInsecure(),
  );
  const call = client.serverReflectionInfo();
  const answers: ReflectionAnswer[] = [];
  call.on('data', (answer) => answers.push(answer));
  const ended = new Promise((resolve, reject) => call.on('end', resolve).on('error', reject));
  for (const request of requests) call.write(request);
  call.end();
  await ended;
  client.close();
  return answers;
}

describe('ListModels and reflection', () => {
  it('lists the model with its words and recommended sampling', async () => {
    const list = await fx.t.client.listModels();
    expect(list.defaultModel).toBe(fx.model.manifest.name);
    expect(list.models).toHaveLength(1);
    expect(list.models[0]).toMatchObject({
      name: fx.model.manifest.name,
      gridWidth: fx.model.manifest.image.gridWidth,
      vocabularySize: fx.model.manifest.vocabulary.size,
      words: fx.model.manifest.textTokenizer.words,
      maxCaptionWords: fx.model.manifest.prompt.captionLength,
      recommendedSampling: fx.model.manifest.sampling,
    });
  });

  it('answers server reflection (grpc.reflection.v1) with the services and their descriptors', async () => {
    const answers = await reflect(
      { listServices: '*' },
      { fileContainingSymbol: 'sjd.v1.GenerationService' },
      { fileContainingSymbol: 'grpc.health.v1.Health' },
    );
    const names = answers[0]?.listServicesResponse?.service.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(['sjd.v1.GenerationService', 'grpc.health.v1.Health']),
    );
    expect(answers[1]?.fileDescriptorResponse?.fileDescriptorProto.length).toBeGreaterThan(0);
    expect(
      Buffer.concat(answers[1]!.fileDescriptorResponse!.fileDescriptorProto).toString('latin1'),
    ).toContain('GenerateRequest');
    expect(answers[2]?.fileDescriptorResponse?.fileDescriptorProto.length).toBeGreaterThan(0);
  });

  it('keeps proto3 optional: no synthetic oneof appears as a real one', async () => {
    const [answer] = await reflect({ fileContainingSymbol: 'sjd.v1.GenerateRequest' });
    const files = answer!.fileDescriptorResponse!.fileDescriptorProto.map((bytes) =>
      fromBinary(FileDescriptorProtoSchema, bytes),
    );
    const sjd = files.find((f) => f.name === 'sjd/v1/sjd.proto')!;
    const optional = sjd.messageType.flatMap((m) =>
      m.field.filter((f) => f.proto3Optional).map((f) => `${m.name}.${f.name}`),
    );
    expect(optional.sort()).toEqual(
      [
        'SamplingSettings.temperature',
        'SamplingSettings.top_k',
        'SamplingSettings.top_p',
        'SamplingSettings.cfg_scale',
        'DecodingSettings.window',
        'DecodingSettings.max_window',
        'GenerateRequest.seed',
        'GenerateRequest.images',
      ].sort(),
    );
    // Every oneof but GenerateResponse.event is the synthetic one of an optional field.
    for (const message of sjd.messageType) {
      message.oneofDecl.forEach((oneof, index) => {
        const members = message.field.filter(
          (f) =>
            isFieldSet(f, FieldDescriptorProtoSchema.field.oneofIndex) && f.oneofIndex === index,
        );
        if (oneof.name === 'event') return;
        expect(members.map((f) => f.proto3Optional)).toEqual([true]);
      });
    }
  });
});

describe('logs', () => {
  it('writes one record per request with its outcome and timings', async () => {
    const before = fx.t.requests().length;
    await collect(fx.t.client.generate({ prompt: CAPTION, seed: 3, ...CHEAP }));
    await failure(() => collect(fx.t.client.generate({ prompt: CAPTION, sampling: { topP: 2 } })));
    const [ok, bad] = fx.t.requests().slice(before);
    expect(ok).toMatchObject({
      kind: 'request',
      method: '/sjd.v1.GenerationService/Generate',
      outcome: 'OK',
      model: fx.model.manifest.name,
      seed: 3,
      images: 1,
      decoding: 'sjd L=16 vertical independent',
    });
    expect(ok!.steps).toBeGreaterThan(0);
    expect(ok!.firstBlockMs).toBeGreaterThan(0);
    expect(ok!.totalMs).toBeGreaterThanOrEqual(ok!.firstBlockMs!);
    expect(ok!.queueMs).toBeGreaterThanOrEqual(0);
    expect(bad).toMatchObject({ outcome: 'INVALID_ARGUMENT', field: 'sampling.top_p' });
  });

  it('the default logger writes one JSON line per record', () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c) => chunks.push(String(c)));
    const record: ServerLogRecord = {
      kind: 'request',
      time: 'now',
      method: '/m',
      peer: 'p',
      outcome: 'OK',
      totalMs: 1,
    };
    jsonLineLogger(out)(record);
    jsonLineLogger(out)(record);
    const lines = chunks.join('').split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toEqual({ level: 'info', ...record });
    const refused = { ...record, outcome: 'RESOURCE_EXHAUSTED' };
    const failed = { ...record, outcome: 'INTERNAL', message: 'x'.repeat(10) };
    jsonLineLogger(out)(refused);
    jsonLineLogger(out)(failed);
    const [warn, error] = chunks
      .join('')
      .split('\n')
      .slice(2, 4)
      .map((line) => JSON.parse(line));
    expect(warn).toEqual({ level: 'warn', ...refused });
    expect(error).toEqual({ level: 'error', ...failed });
  });
});
