import type { OnnxLogitsProvider } from '@sjd/backend-node';
import { SjdClient } from '@sjd/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAPTION,
  CHEAP,
  collect,
  loadTestModel,
  startTestServer,
  type TestServer,
} from './test-support/test-server.js';

let model: OnnxLogitsProvider;
let replicas: TestServer[];
beforeAll(async () => {
  model = await loadTestModel();
  replicas = await Promise.all([
    startTestServer({ models: [model] }),
    startTestServer({ models: [model] }),
  ]);
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  await model?.release();
});

describe('two replicas behind the client', () => {
  it('both serve generations, balanced round-robin', async () => {
    const client = new SjdClient({ addresses: replicas.map((r) => r.address) });
    try {
      expect(client.target).toBe(`ipv4:${replicas.map((r) => r.address).join(',')}`);
      await client.listModels(); // connects
      for (let i = 0; i < 8; i++) {
        const events = await collect(client.generate({ prompt: CAPTION, seed: i, ...CHEAP }));
        expect(events.at(-1)?.type).toBe('generation-done');
      }
      const served = replicas.map(
        (r) =>
          r.requests().filter((x) => x.method.endsWith('/Generate') && x.outcome === 'OK').length,
      );
      expect(served[0]! + served[1]!).toBe(8);
      expect(served[0]).toBeGreaterThanOrEqual(2);
      expect(served[1]).toBeGreaterThanOrEqual(2);
    } finally {
      client.close();
    }
  });

  it('when one replica stops, the other takes every call', async () => {
    const client = new SjdClient({ addresses: replicas.map((r) => r.address) });
    try {
      await client.listModels();
      await replicas[0]!.close();
      const before = replicas[1]!.requests().length;
      for (let i = 0; i < 3; i++) {
        expect(
          (await collect(client.generate({ prompt: CAPTION, seed: i, ...CHEAP }))).at(-1)?.type,
        ).toBe('generation-done');
      }
      expect(replicas[1]!.requests().length - before).toBe(3);
    } finally {
      client.close();
    }
  });
});
