import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type RemoteGenerationEvent, SjdClient, type SjdRpcError } from '@sjd/client';
import { describe, expect, it } from 'vitest';
import type { ServerLogRecord } from './server-log.js';
import {
  CAPTION,
  CHEAP,
  collect,
  failure,
  loadTestModel,
  startTestServer,
  testModelDir,
} from './test-support/test-server.js';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** `node dist/main.js` (what `pnpm serve` runs) on loopback, port 0, with its log records. */
class ServerProcess {
  readonly child: ChildProcess;
  readonly logs: ServerLogRecord[] = [];
  readonly exited: Promise<number | null>;
  private stderr = '';

  constructor(...args: string[]) {
    this.child = spawn(process.execPath, [main, '--host', '127.0.0.1', '--port', '0', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
    this.child.stderr!.on('data', (chunk) => {
      this.stderr += String(chunk);
      const lines = this.stderr.split('\n');
      this.stderr = lines.pop()!;
      for (const line of lines) if (line.startsWith('{')) this.logs.push(JSON.parse(line));
    });
  }

  /** Waits for a lifecycle record. */
  async event(name: string): Promise<Record<string, unknown>> {
    await expect
      .poll(() => this.logs.find((r) => r.kind === 'server' && r.event === name), {
        timeout: 30_000,
      })
      .toBeTruthy();
    return this.logs.find((r) => r.kind === 'server' && r.event === name) as Record<
      string,
      unknown
    >;
  }

  /** Starts and waits until the model is loaded; resolves with the address. */
  async ready(): Promise<string> {
    const listening = await this.event('listening');
    await this.event('models-loaded');
    return `127.0.0.1:${listening['port']}`;
  }
}

async function firstBlockThenRest(
  events: AsyncGenerator<RemoteGenerationEvent>,
  onFirstBlock: () => void,
): Promise<RemoteGenerationEvent[]> {
  const all: RemoteGenerationEvent[] = [];
  for await (const event of events) {
    all.push(event);
    if (event.type === 'token-block' && event.step === 0 && event.image === 0) onFirstBlock();
  }
  return all;
}

describe('SIGTERM', () => {
  it('stops accepting, lets a running stream finish within the grace period, and exits 0', async () => {
    const server = new ServerProcess('--model', testModelDir, '--shutdown-grace-ms', '30000');
    const address = await server.ready();
    const client = new SjdClient({ addresses: [address] });
    const stream = firstBlockThenRest(
      client.generate({ prompt: CAPTION, images: 2, decoding: { method: 'sjd', window: 16 } }),
      () => server.child.kill('SIGTERM'),
    );
    await server.event('stopping');
    const late = new SjdClient({ addresses: [address] });
    const refused = (await failure(() =>
      collect(late.generate({ prompt: CAPTION, ...CHEAP })),
    )) as SjdRpcError;
    late.close();
    expect(refused.status).toBe('UNAVAILABLE');
    const events = await stream;
    client.close();
    expect(events.filter((e) => e.type === 'image-done')).toHaveLength(2);
    expect(events.at(-1)?.type).toBe('generation-done');
    expect(await server.exited).toBe(0);
    expect(server.logs.filter((r) => r.kind === 'request').map((r) => r.outcome)).toEqual(['OK']);
    await server.event('stopped');
  });

  it('cancels streams still running when the grace period ends (UNAVAILABLE), then exits 0', async () => {
    const server = new ServerProcess('--model', testModelDir, '--shutdown-grace-ms', '300');
    const address = await server.ready();
    const client = new SjdClient({ addresses: [address] });
    const stopped = performance.now();
    const error = (await failure(() =>
      firstBlockThenRest(
        client.generate({ prompt: CAPTION, images: 8, decoding: { method: 'ar' } }),
        () => server.child.kill('SIGTERM'),
      ),
    )) as SjdRpcError;
    client.close();
    expect(error.status).toBe('UNAVAILABLE');
    expect(error.details).toMatch(/shutting down/);
    expect(await server.exited).toBe(0);
    expect(performance.now() - stopped).toBeLessThan(10_000);
    await server.event('grace-expired');
    expect(server.logs.filter((r) => r.kind === 'request').map((r) => r.outcome)).toEqual([
      'UNAVAILABLE',
    ]);
  });
});

describe('shutdown with a queue', () => {
  it('refuses queued calls at once (UNAVAILABLE) while the running one finishes', async () => {
    const model = await loadTestModel();
    const t = await startTestServer({ models: [model], maxConcurrent: 1 });
    try {
      let firstBlock: () => void = () => {};
      const started = new Promise<void>((resolve) => (firstBlock = resolve));
      let runningDone = false;
      const running = firstBlockThenRest(
        t.client.generate({ prompt: CAPTION, images: 4, decoding: { method: 'ar' } }),
        firstBlock,
      ).finally(() => (runningDone = true));
      await started;
      const queued = [1, 2].map(() =>
        failure(() => collect(t.client.generate({ prompt: CAPTION, ...CHEAP }))).then((error) => ({
          error: error as SjdRpcError,
          whileRunning: !runningDone,
        })),
      );
      await expect.poll(() => t.server.queuedGenerations).toBe(2);
      const stopped = t.server.shutdown(60_000);
      for (const { error, whileRunning } of await Promise.all(queued)) {
        expect(error.status).toBe('UNAVAILABLE');
        expect(error.details).toMatch(/shutting down/);
        expect(whileRunning).toBe(true);
      }
      expect((await running).at(-1)?.type).toBe('generation-done');
      await stopped;
      expect(t.requests().map((r) => r.outcome)).toEqual(['UNAVAILABLE', 'UNAVAILABLE', 'OK']);
    } finally {
      await t.close();
      await model.release();
    }
  });
});

describe('pnpm serve', () => {
  it('exits 3 naming the file when the model cannot be loaded', async () => {
    const server = new ServerProcess('--model', '/nonexistent/model');
    expect(await server.exited).toBe(3);
    expect((await server.event('model-load-failed'))['message']).toMatch(/nonexistent/);
  });

  it('exits 2 naming the port when it is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const child = spawn(
        process.execPath,
        [main, '--host', '127.0.0.1', '--port', String(port), '--model', testModelDir],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += String(chunk)));
      const [code] = await once(child, 'exit');
      expect(code).toBe(2);
      expect(stderr).toContain(`Cannot listen on 127.0.0.1:${port}`);
    } finally {
      taken.close();
    }
  });

  it('exits 2 naming the host when asked for plaintext beyond loopback', async () => {
    const child = spawn(process.execPath, [main, '--host', '0.0.0.0', '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/Invalid host/);
  });

  it('exits 2 for --tls-cert without --tls-key', async () => {
    const server = new ServerProcess('--model', testModelDir, '--tls-cert', main);
    expect(await server.exited).toBe(2);
  });

  it('exits 2 for a bad flag value', async () => {
    const server = new ServerProcess('--model', testModelDir, '--max-concurrent', '0');
    expect(await server.exited).toBe(2);
  });
});
