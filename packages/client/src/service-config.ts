import type { ChannelOptions } from '@grpc/grpc-js';

/** How the client retries a call that a replica refused (gRPC's `retryPolicy`). */
export interface RetryPolicy {
  /** Attempts in all, the first included (gRPC caps it at 5). */
  readonly maxAttempts: number;
  /** Backoff before the first retry, e.g. `'0.25s'`; each retry waits a random time up to the current backoff. */
  readonly initialBackoff: string;
  /** The backoff never grows past this, e.g. `'2s'`. */
  readonly maxBackoff: string;
  /** The backoff is multiplied by this after each retry. */
  readonly backoffMultiplier: number;
  /** The status codes that are retried. */
  readonly retryableStatusCodes: readonly ('UNAVAILABLE' | 'RESOURCE_EXHAUSTED')[];
}

/**
 * The retry policy of `sjd.v1.GenerationService`: `UNAVAILABLE` (the replica is loading its
 * model, stopping, or gone) and `RESOURCE_EXHAUSTED` (its slots and queue are full) are
 * retried up to 4 times with exponential backoff from 0.25 s to 2 s; with round-robin each
 * retry goes to the next replica. gRPC retries a call only until the server has answered
 * (the stream's first response commits it): a stream cut after its first event fails with
 * its status, and the caller may repeat the request with the seed the start event reported.
 */
export const SJD_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialBackoff: '0.25s',
  maxBackoff: '2s',
  backoffMultiplier: 2,
  retryableStatusCodes: ['UNAVAILABLE', 'RESOURCE_EXHAUSTED'],
};

/**
 * The gRPC service config the client uses: `round_robin` over every address the target
 * resolves to (several IPs, or every A record of a `dns:///` name such as a Kubernetes
 * headless Service), and {@link SJD_RETRY_POLICY} for both methods. The same JSON works in
 * any gRPC library (Python: the `grpc.service_config` channel option).
 */
export function sjdServiceConfig(retryPolicy: RetryPolicy = SJD_RETRY_POLICY): string {
  return JSON.stringify({
    loadBalancingConfig: [{ round_robin: {} }],
    methodConfig: [{ name: [{ service: 'sjd.v1.GenerationService' }], retryPolicy }],
  });
}

/**
 * The channel options {@link SjdClient} starts from (its `channelOptions` override them):
 * the service config above, and keepalive pings every 10 s that give up on a connection
 * after 5 s without an answer, so that a call to a replica whose host or network died fails
 * with `UNAVAILABLE` within seconds instead of hanging until its deadline.
 */
export const SJD_CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.service_config': sjdServiceConfig(),
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
};
