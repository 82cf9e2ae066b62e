import type { SamplingSettings, SjdRpcError } from '@sjd/client';
import { describe, expect, it } from 'vitest';
import { CAPTION, CHEAP, collect, failure, useTestServer } from './test-support/test-server.js';

const fx = useTestServer();

const generate = (sampling: SamplingSettings) =>
  collect(fx.t.client.generate({ prompt: CAPTION, ...CHEAP, sampling }, { timeoutMs: 60_000 }));

describe('sampling values that would overflow the logits', () => {
  it.each([
    ['temperature 1e-300', 'sampling.temperature', { temperature: 1e-300 }],
    ['temperature 1e-9', 'sampling.temperature', { temperature: 1e-9 }],
    ['cfg_scale 1e38', 'sampling.cfg_scale', { cfgScale: 1e38 }],
    ['cfg_scale 1e300', 'sampling.cfg_scale', { cfgScale: 1e300 }],
    ['cfg_scale -1e308', 'sampling.cfg_scale', { cfgScale: -1e308 }],
  ] as const)('%s → INVALID_ARGUMENT naming %s before any event', async (_, field, sampling) => {
    const events: unknown[] = [];
    const error = (await failure(async () => {
      for await (const event of fx.t.client.generate({ prompt: CAPTION, ...CHEAP, sampling })) {
        events.push(event);
      }
    })) as SjdRpcError;
    expect([error.status, error.field]).toEqual(['INVALID_ARGUMENT', field]);
    expect(error.allowed).toBeTruthy();
    expect(events).toEqual([]);
  });

  it.each([
    ['the smallest temperature allowed', { temperature: 1e-6 }],
    [
      'the largest CFG scale allowed, at the smallest temperature',
      { cfgScale: 1000, temperature: 1e-6 },
    ],
    ['the most negative CFG scale allowed', { cfgScale: -1000 }],
    ['a huge temperature', { temperature: 1e300 }],
  ] as const)('%s generates an image', async (_, sampling) => {
    const events = await generate(sampling);
    expect(events.at(-1)?.type).toBe('generation-done');
  });
});
