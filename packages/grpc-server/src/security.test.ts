import {
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { InvalidArgumentError, type OnnxLogitsProvider } from '@sjd/backend-node';
import { SjdClient, type SjdRpcError } from '@sjd/client';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationServiceClient, ListModelsRequest } from './generated/sjd/v1/sjd.js';
import { SjdGrpcServer } from './sjd-grpc-server.js';
import { makeTestCertificates, type TestCertificates } from './test-support/test-certificates.js';
import {
  failure,
  loadTestModel,
  startTestServer,
  type TestServer,
} from './test-support/test-server.js';

let model: OnnxLogitsProvider;
let certs: TestCertificates;
beforeAll(async () => {
  model = await loadTestModel();
  certs = makeTestCertificates();
});
afterAll(async () => {
  await model?.release();
  certs?.remove();
});

const tls = () => ({ certChain: certs.serverCert, privateKey: certs.serverKey });

/** ListModels with a raw client: the status code, or 0. */
function listModels(
  address: string,
  channel = credentials.createInsecure(),
  metadata = new Metadata(),
): Promise<number> {
  const client = new GenerationServiceClient(address, channel);
  return new Promise<number>((resolve) =>
    client.listModels(
      ListModelsRequest.fromPartial({}),
      metadata,
      { deadline: Date.now() + 20_000 },
      (error: ServiceError | null) => resolve(error ? error.code : 0),
    ),
  ).finally(() => client.close());
}

async function withServer(
  options: ConstructorParameters<typeof SjdGrpcServer>[0],
  run: (t: TestServer) => Promise<void>,
): Promise<void> {
  const t = await startTestServer({ models: [model], ...options });
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

describe('TLS', () => {
  it('serves clients that trust its CA, and not plaintext ones', async () => {
    await withServer({ tls: tls() }, async (t) => {
      expect(await listModels(t.address, credentials.createSsl(certs.ca))).toBe(0);
      const client = new SjdClient({
        addresses: [t.address],
        credentials: credentials.createSsl(certs.ca),
      });
      expect((await client.listModels()).defaultModel).toBe(model.manifest.name);
      client.close();
      expect(await listModels(t.address)).toBe(status.UNAVAILABLE);
      expect(t.logs.find((r) => r.kind === 'server' && r.event === 'listening')).toMatchObject({
        tls: 'server',
      });
    });
  });

  it('with a client CA (mutual TLS) refuses clients without a certificate it trusts', async () => {
    await withServer({ tls: { ...tls(), clientCa: certs.ca } }, async (t) => {
      const trusted = credentials.createSsl(certs.ca, certs.clientKey, certs.clientCert);
      const stranger = credentials.createSsl(certs.ca, certs.strangerKey, certs.strangerCert);
      expect(await listModels(t.address, trusted)).toBe(0);
      expect(await listModels(t.address, credentials.createSsl(certs.ca))).toBe(status.UNAVAILABLE);
      expect(await listModels(t.address, stranger)).toBe(status.UNAVAILABLE);
    });
  });
});

describe('bearer token', () => {
  const token = 'an-example-token-0123456789';
  const bearer = (value: string) => {
    const metadata = new Metadata();
    metadata.set('authorization', value);
    return metadata;
  };

  it('refuses calls without the token with UNAUTHENTICATED, before any handler runs', async () => {
    await withServer({ authToken: token }, async (t) => {
      expect(await listModels(t.address)).toBe(status.UNAUTHENTICATED);
      expect(await listModels(t.address, undefined, bearer('Bearer wrong'))).toBe(
        status.UNAUTHENTICATED,
      );
      expect(await listModels(t.address, undefined, bearer(token))).toBe(status.UNAUTHENTICATED);
      expect(await listModels(t.address, undefined, bearer(`Bearer ${token}`))).toBe(0);
      const refused = t.requests().filter((r) => r.outcome === 'UNAUTHENTICATED');
      expect(refused.map((r) => r.method)).toEqual(
        Array(3).fill('/sjd.v1.GenerationService/ListModels'),
      );
      expect(JSON.stringify(t.logs)).not.toContain(token);
    });
  });

  it('works as call credentials over TLS, and health checks need none', async () => {
    await withServer({ tls: tls(), authToken: token }, async (t) => {
      const withToken = credentials.combineChannelCredentials(
        credentials.createSsl(certs.ca),
        credentials.createFromMetadataGenerator((_, callback) =>
          callback(null, bearer(`Bearer ${token}`)),
        ),
      );
      const client = new SjdClient({ addresses: [t.address], credentials: withToken });
      expect((await client.listModels()).models).toHaveLength(1);
      client.close();
      const bare = new SjdClient({
        addresses: [t.address],
        credentials: credentials.createSsl(certs.ca),
      });
      const error = (await failure(() => bare.listModels())) as SjdRpcError;
      bare.close();
      expect(error.status).toBe('UNAUTHENTICATED');
      const Health = makeGenericClientConstructor(healthService, 'Health');
      const health = new Health(t.address, credentials.createSsl(certs.ca)) as unknown as {
        check(
          request: object,
          callback: (error: ServiceError | null, response: { status: string }) => void,
        ): void;
        close(): void;
      };
      const answer = await new Promise<string>((resolve, reject) =>
        health.check({ service: '' }, (e, response) => (e ? reject(e) : resolve(response.status))),
      );
      health.close();
      expect(answer).toBe('SERVING');
    });
  });

  it('an empty token or one with spaces is refused when the server is made', () => {
    for (const bad of ['', 'two words']) {
      expect(() => new SjdGrpcServer({ models: [model], authToken: bad })).toThrow(/authToken/);
    }
  });
});

describe('where the server may listen', () => {
  it.each(['0.0.0.0', '::', '10.1.2.3', 'example.com'])(
    'plaintext on %s is refused unless insecure is set (field host)',
    async (host) => {
      const server = new SjdGrpcServer({ models: [model], log: () => {} });
      const error = await failure(() => server.listen({ host, port: 0 }));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).field).toBe('host');
      await server.shutdown(0);
    },
  );

  it.each(['127.0.0.1', '127.0.0.2', 'localhost'])('plaintext on %s is allowed', async (host) => {
    const server = new SjdGrpcServer({ models: [model], log: () => {} });
    try {
      expect(await server.listen({ host, port: 0 })).toBeGreaterThan(0);
    } finally {
      await server.shutdown(0);
    }
  });
});
