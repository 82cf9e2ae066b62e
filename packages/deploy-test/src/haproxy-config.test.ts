import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http2';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { grpcHealthCheckRequestHex } from './grpc-health-probe-bytes.js';
import { HAPROXY_EXAMPLE, haproxyConfig } from './haproxy-config.js';

describe('the HAProxy configuration', () => {
  it('is accepted by haproxy -c', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sjd-haproxy-'));
    try {
      const file = join(dir, 'haproxy.cfg');
      await writeFile(
        file,
        haproxyConfig({ bind: '127.0.0.1:8080', servers: ['127.0.0.1:1', '127.0.0.1:2'] }),
      );
      const { stdout } = await promisify(execFile)('haproxy', ['-c', '-f', file]);
      expect(stdout).toMatch(/Configuration file is valid/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/haproxy/haproxy.cfg', () => {
  it('is what the cluster test runs (regenerate: node dist/write-haproxy-example.js)', async () => {
    const file = new URL('../../../deploy/haproxy/haproxy.cfg', import.meta.url);
    expect(await readFile(file, 'utf8')).toBe(haproxyConfig(HAPROXY_EXAMPLE));
    const { stdout } = await promisify(execFile)('haproxy', ['-c', '-f', file.pathname]);
    expect(stdout).toMatch(/Configuration file is valid/);
  });
});

describe('the gRPC health check bytes', () => {
  it('are one HTTP/2 call of grpc.health.v1.Health/Check with an empty request', async () => {
    const server = createServer();
    const received = new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve) =>
      server.on('stream', (stream, headers) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          resolve({ headers, body: Buffer.concat(chunks) });
          stream.respond({ ':status': 200 });
          stream.end();
        });
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(Buffer.from(grpcHealthCheckRequestHex(), 'hex')),
    );
    try {
      const { headers, body } = await received;
      expect(headers).toMatchObject({
        ':method': 'POST',
        ':scheme': 'http',
        ':path': '/grpc.health.v1.Health/Check',
        ':authority': 'sjd',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      expect(body).toEqual(Buffer.alloc(5));
    } finally {
      socket.destroy();
      server.close();
    }
  });
});
