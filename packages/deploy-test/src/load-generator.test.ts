import { SjdRpcError } from '@sjd/client';
import { describe, expect, it } from 'vitest';
import { isRetryable } from './load-generator.js';

// gRPC status codes (the client package re-exports none).
const status = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;
const error = (code: number, details: string) => new SjdRpcError({ code, details });

describe('isRetryable', () => {
  it('repeats what a replica refused, and streams cut in transport', () => {
    expect(isRetryable(error(status.UNAVAILABLE, 'Connection dropped'))).toBe(true);
    expect(isRetryable(error(status.RESOURCE_EXHAUSTED, 'The server is busy'))).toBe(true);
    expect(
      isRetryable(
        error(status.INTERNAL, 'Received RST_STREAM with code 0 (Call ended without gRPC status)'),
      ),
    ).toBe(true);
  });

  it('never repeats what the server decided', () => {
    expect(isRetryable(error(status.INVALID_ARGUMENT, 'Invalid sampling.top_p'))).toBe(false);
    expect(isRetryable(error(status.INTERNAL, 'LogitsProvider contract violated'))).toBe(false);
    expect(isRetryable(error(status.DEADLINE_EXCEEDED, 'Deadline exceeded'))).toBe(false);
    expect(isRetryable(new Error('not an RPC error'))).toBe(false);
  });
});
