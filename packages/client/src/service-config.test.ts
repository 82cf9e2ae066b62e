import {
  Server,
  ServerCredentials,
  type ServerWritableStream,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type GenerateRequest,
  type GenerateResponse,
  type GenerationServiceServer,
  GenerationServiceService,
} from './generated/sjd/v1/sjd.js';
import { SJD_RETRY_POLICY, sjdServiceConfig } from './service-config.js';
import { SjdClient } from './sjd-client.js';
import { SjdRpcError } from './sjd-rpc-error.js';

/** A server on loopback that refuses calls with the scripted statuses, then answers. */
async function scriptedServer(name: string, refusals: status[]) {
  const server = new Server();
  const attempts: string[] = [];
  const refuse = (): ServiceError | null => {
    const code = refusals.shift();
    return code === undefined
      ? null
      : Object.assign(new Error('refused'), { code, details: 'refused', metadata: undefined! });
  };
  server.addService(GenerationServiceService, {
    generate: (call: ServerWritableStream<GenerateRequest, GenerateResponse>) => {
      attempts.push('generate');
      const error = refuse();
      if (error) call.emit('error', error);
      else call.end();
    },
    listModels: (_call, callback) => {
      attempts.push('listModels');
      const error = refuse();
      callback(error, error ? undefined : { defaultModel: name, models: [] });
    },
  } satisfies GenerationServiceServer);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { server, attempts, address: `127.0.0.1:${port}` };
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.forceShutdown();
});

async function start(name: string, refusals: status[]) {
  const s = await scriptedServer(name, refusals);
  servers.push(s.server);
  return s;
}

describe('the service config', () => {
  it('is valid JSON naming round_robin and the retry policy', () => {
    const config = JSON.parse(sjdServiceConfig());
    expect(config.loadBalancingConfig).toEqual([{ round_robin: {} }]);
    expect(config.methodConfig[0].retryPolicy).toEqual(SJD_RETRY_POLICY);
  });

  it('retries a stream refused with RESOURCE_EXHAUSTED, then UNAVAILABLE', async () => {
    const s = await start('a', [status.RESOURCE_EXHAUSTED, status.UNAVAILABLE]);
    const client = new SjdClient({ addresses: [s.address] });
    try {
      const events = [];
      for await (const event of client.generate({ prompt: 'x' })) events.push(event);
      expect(events).toEqual([]);
      expect(s.attempts).toEqual(['generate', 'generate', 'generate']);
    } finally {
      client.close();
    }
  });

  it('retries a unary call the same way', async () => {
    const s = await start('a', [status.UNAVAILABLE, status.RESOURCE_EXHAUSTED]);
    const client = new SjdClient({ addresses: [s.address] });
    try {
      expect((await client.listModels()).defaultModel).toBe('a');
      expect(s.attempts).toEqual(['listModels', 'listModels', 'listModels']);
    } finally {
      client.close();
    }
  });

  it('does not retry other statuses', async () => {
    const s = await start('a', [status.INVALID_ARGUMENT]);
    const client = new SjdClient({ addresses: [s.address] });
    try {
      const error = await client.listModels().catch((e: unknown) => e);
      expect(SjdRpcError.isInstance(error) && error.status).toBe('INVALID_ARGUMENT');
      expect(s.attempts).toEqual(['listModels']);
    } finally {
      client.close();
    }
  });

  it('gives up after maxAttempts with the last status', async () => {
    const s = await start('a', Array(9).fill(status.UNAVAILABLE));
    const client = new SjdClient({
      addresses: [s.address],
      channelOptions: {
        'grpc.service_config': sjdServiceConfig({ ...SJD_RETRY_POLICY, initialBackoff: '0.01s' }),
      },
    });
    try {
      const error = await client.listModels().catch((e: unknown) => e);
      expect(SjdRpcError.isInstance(error) && error.status).toBe('UNAVAILABLE');
      expect(s.attempts.length).toBe(SJD_RETRY_POLICY.maxAttempts);
    } finally {
      client.close();
    }
  });

  it('with round-robin, a call one replica refuses is retried on the next', async () => {
    const full = await start('full', Array(100).fill(status.RESOURCE_EXHAUSTED));
    const free = await start('free', []);
    const client = new SjdClient({ addresses: [full.address, free.address] });
    try {
      for (let i = 0; i < 6; i++) expect((await client.listModels()).defaultModel).toBe('free');
      expect(full.attempts.length).toBeGreaterThan(0);
      expect(free.attempts.length).toBe(6);
    } finally {
      client.close();
    }
  });
});
