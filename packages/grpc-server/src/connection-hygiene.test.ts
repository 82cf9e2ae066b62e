import { execFile, execFileSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { OnnxLogitsProvider } from '@sjd/backend-node';
import type { SjdRpcError } from '@sjd/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAPTION,
  collect,
  failure,
  loadTestModel,
  startTestServer,
  type TestServer,
} from './test-support/test-server.js';

const PYTHON = '/usr/bin/python3';
const oversizedHeader = fileURLToPath(
  new URL('./test-support/oversized-header.py', import.meta.url),
);

let model: OnnxLogitsProvider;
let t: TestServer;
beforeAll(async () => {
  model = await loadTestModel();
  // Short keepalive and idle limits so the test sees them act.
  t = await startTestServer({
    models: [model],
    keepaliveMs: 500,
    keepaliveTimeoutMs: 500,
    maxConnectionIdleMs: 1000,
  });
});
afterAll(async () => {
  await t?.close();
  await model?.release();
});

/** The server's sockets for its port in a TCP state (`close-wait`, …), as `ss` lists them. */
function serverSockets(state: string): number {
  const out = execFileSync('ss', ['-Htn', 'state', state, 'sport', '=', `:${t.port}`]);
  return String(out).split('\n').filter(Boolean).length;
}

function callWithHeader(bytes: number, deadlineS: number): Promise<[string, number]> {
  return new Promise((resolve, reject) =>
    execFile(
      PYTHON,
      [oversizedHeader, t.address, String(bytes), String(deadlineS)],
      { timeout: (deadlineS + 10) * 1000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        const [outcome, seconds] = stdout.trim().split(' ');
        resolve([outcome!, Number(seconds)]);
      },
    ),
  );
}

describe('connections that would stay open forever', () => {
  it('a request header over 64 KB: the client fails fast and the server keeps no socket', async () => {
    const calls = await Promise.all([1, 2, 3].map(() => callWithHeader(70_000, 30)));
    for (const [outcome, seconds] of calls) {
      expect(outcome).toBe('UNAVAILABLE');
      expect(seconds).toBeLessThan(30);
    }
    await expect.poll(() => serverSockets('close-wait'), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => serverSockets('established'), { timeout: 10_000 }).toBeLessThan(2);
  });

  it('TCP connections that never send a byte are closed by the server', async () => {
    const sockets: Socket[] = [];
    const closed = Array.from({ length: 20 }, () => {
      const socket = connect(t.port, '127.0.0.1');
      sockets.push(socket);
      socket.on('error', () => {});
      socket.resume();
      return new Promise<void>((resolve) => socket.once('end', () => resolve()));
    });
    try {
      // Bounded: the test fails rather than hangs if the server never closes them.
      const outcome = await Promise.race([
        Promise.all(closed).then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('still open'), 15_000)),
      ]);
      expect(outcome).toBe('closed');
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});

describe('the longest allowed deadline', () => {
  it("a call asking for no deadline ends with DEADLINE_EXCEEDED at the server's", async () => {
    const short = await startTestServer({ models: [model], maxDeadlineMs: 300 });
    try {
      const error = (await failure(() =>
        collect(short.client.generate({ prompt: CAPTION, images: 16, decoding: { method: 'ar' } })),
      )) as SjdRpcError;
      expect(error.status).toBe('DEADLINE_EXCEEDED');
      expect(short.requests().at(-1)?.outcome).toBe('DEADLINE_EXCEEDED');
      expect(model.activeSessions).toBe(0);
    } finally {
      await short.close();
    }
  });
});
