import { OnnxLogitsProvider } from '@sjd/backend-node';
import { type RemoteGenerationEvent, SjdClient } from '@sjd/client';
import { shippedModelDir } from '@sjd/shapes';
import { afterAll, beforeAll } from 'vitest';
import type { RequestLogRecord, ServerLogRecord } from '../server-log.js';
import type { SjdServerOptions } from '../server-options.js';
import { SjdGrpcServer } from '../sjd-grpc-server.js';

/** The model folder the tests run on: the shipped model, or `SJD_MODEL_DIR`. */
export const testModelDir = process.env['SJD_MODEL_DIR'] ?? shippedModelDir;

/** A caption every model of the shapes world knows. */
export const CAPTION = 'a large red circle in the centre';

/**
 * A cheap request: SJD with a small window and spatial init, one row (no CFG). Measured the
 * cheapest setting on the shipped model (wide greedy Jacobi windows converge slowly there).
 */
export const CHEAP = {
  sampling: { cfgScale: 1 },
  decoding: { method: 'sjd', window: 16, init: 'vertical' },
} as const;

/** Loads the test model once per test file. */
export function loadTestModel(): Promise<OnnxLogitsProvider> {
  return OnnxLogitsProvider.load({ modelDir: testModelDir });
}

/** A server on loopback, port 0, with a client and the log records it wrote. */
export interface TestServer {
  readonly server: SjdGrpcServer;
  readonly port: number;
  readonly address: string;
  readonly client: SjdClient;
  readonly logs: ServerLogRecord[];
  /** The `request` records so far. */
  requests(): RequestLogRecord[];
  close(): Promise<void>;
}

/** Starts a server (never on a non-loopback address) and waits for its models. */
export async function startTestServer(options: SjdServerOptions): Promise<TestServer> {
  const logs: ServerLogRecord[] = [];
  // One token block per step unless a test asks otherwise: the tests count and cancel at
  // blocks (the server's default merges the steps of each 16 ms).
  const server = new SjdGrpcServer({
    log: (record) => logs.push(record),
    blockIntervalMs: 0,
    ...options,
  });
  const port = await server.listen({ host: '127.0.0.1', port: 0 });
  await server.ready();
  const address = `127.0.0.1:${port}`;
  const client = new SjdClient({
    addresses: [address],
    // The tests count refusals: the client's retry policy would repeat each one.
    channelOptions: { 'grpc.enable_retries': 0 },
  });
  return {
    server,
    port,
    address,
    client,
    logs,
    requests: () => logs.filter((r): r is RequestLogRecord => r.kind === 'request'),
    close: async () => {
      client.close();
      await server.shutdown(0);
    },
  };
}

/** The test model and a server on it, for the tests of one file ({@link useTestServer}). */
export interface TestFixture {
  readonly model: OnnxLogitsProvider;
  readonly t: TestServer;
}

/**
 * Loads the test model and starts a server on it before the file's tests, and stops both
 * after them. The fields are read inside tests (they exist from `beforeAll` on).
 */
export function useTestServer(options: Omit<SjdServerOptions, 'models'> = {}): TestFixture {
  let model: OnnxLogitsProvider | undefined;
  let t: TestServer | undefined;
  beforeAll(async () => {
    model = await loadTestModel();
    t = await startTestServer({ models: [model], ...options });
  });
  afterAll(async () => {
    await t?.close();
    await model?.release();
  });
  return {
    get model() {
      if (!model) throw new Error('useTestServer: the model is loaded in beforeAll');
      return model;
    },
    get t() {
      if (!t) throw new Error('useTestServer: the server starts in beforeAll');
      return t;
    },
  };
}

/** All events of a stream. */
export async function collect(
  events: AsyncIterable<RemoteGenerationEvent>,
): Promise<RemoteGenerationEvent[]> {
  const all: RemoteGenerationEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** The error a call fails with (fails the test if it succeeds). */
export async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
