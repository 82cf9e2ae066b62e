import type { GenerateParams, SjdRpcError } from '@sjd/client';
import { describe, expect, it } from 'vitest';
import { MAX_DETAILS_BYTES } from './rpc-error.js';
import { CAPTION, CHEAP, collect, failure, useTestServer } from './test-support/test-server.js';

const fx = useTestServer();

const MB = 1024 * 1024;

/** Huge input must come back as the status it deserves, with a bounded message. */
const huge: [string, string, string, Partial<GenerateParams>][] = [
  ['a 1 MB unknown word', 'INVALID_ARGUMENT', 'prompt', { prompt: 'x'.repeat(MB) }],
  ['a 9 KB unknown word', 'INVALID_ARGUMENT', 'prompt', { prompt: `red ${'z'.repeat(9 * 1024)}` }],
  ['a 1 MB word of two-byte letters', 'INVALID_ARGUMENT', 'prompt', { prompt: 'é'.repeat(MB / 2) }],
  ['a 1 MB model name', 'NOT_FOUND', 'model', { model: 'm'.repeat(MB) }],
];

describe('what errors echo of the input is capped', () => {
  it.each(huge)('%s → %s naming %s, with a short message', async (_, status, field, params) => {
    const error = (await failure(() =>
      collect(
        fx.t.client.generate({ prompt: CAPTION, ...CHEAP, ...params }, { timeoutMs: 10_000 }),
      ),
    )) as SjdRpcError;
    expect([error.status, error.field]).toEqual([status, field]);
    expect(Buffer.byteLength(error.details)).toBeLessThanOrEqual(MAX_DETAILS_BYTES);
    expect(error.details).toMatch(/more characters/);
  });

  it('and so are the log records', () => {
    const records = fx.t.requests();
    expect(records).toHaveLength(huge.length);
    for (const record of records) {
      expect(JSON.stringify(record).length).toBeLessThan(2 * MAX_DETAILS_BYTES);
    }
  });
});
