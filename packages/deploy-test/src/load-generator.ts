#!/usr/bin/env node
/**
 * The load of the cluster test, run as its own process inside the lab's client namespace
 * (`ip netns exec <ns> node dist/load-generator.js '<LoadOptions JSON>'`): `clients`
 * independent clients (each its own channel, so its own connections) each send one
 * generation after another until `durationMs` has passed, then wait for their last one. A
 * generation that fails with a retryable status is sent again with the same seed (the
 * generation is deterministic in its seed, so repeating it is safe). Prints one JSON
 * {@link LoadReport} on stdout.
 */
import { type RemoteGenerationEvent, SjdClient, SjdRpcError } from '@sjd/client';

/** What to run. */
export interface LoadOptions {
  /** Addresses for the client (`SjdClient.addresses`), or… */
  readonly addresses?: readonly string[];
  /** …a raw gRPC target such as `dns:///sjd.lab:50051`. */
  readonly target?: string;
  readonly clients: number;
  readonly durationMs: number;
  /** Deadline of each attempt. */
  readonly attemptDeadlineMs: number;
  /** Attempts per generation in all, the first included. */
  readonly maxAttempts: number;
  /** The first seed; each generation takes the next. */
  readonly firstSeed: number;
}

/** One generation, as the caller saw it. */
export interface RequestRecord {
  readonly seed: number;
  /** `Date.now()` when it was first sent, and when it completed or was given up. */
  readonly startMs: number;
  readonly endMs: number;
  /** The status of each failed attempt (an attempt gRPC retried by itself is not seen here). */
  readonly errors: readonly string[];
  readonly ok: boolean;
}

export interface LoadReport {
  readonly requests: readonly RequestRecord[];
}

/**
 * Whether a failed generation may be sent again: `UNAVAILABLE` (replica gone, stopping or
 * loading; a connection dropped), `RESOURCE_EXHAUSTED` (replica full), and a stream cut in
 * transport before the server sent any status (a proxy whose replica died resets the
 * stream: grpc-js reports `INTERNAL` "Received RST_STREAM … Call ended without gRPC
 * status"). Never a status the server chose, such as `INVALID_ARGUMENT` or `INTERNAL` with
 * its own message.
 */
export function isRetryable(error: unknown): boolean {
  if (!SjdRpcError.isInstance(error)) return false;
  if (error.status === 'UNAVAILABLE' || error.status === 'RESOURCE_EXHAUSTED') return true;
  return error.status === 'INTERNAL' && /without gRPC status/.test(error.details);
}

const PROMPT = 'a large red circle in the centre';
const CHEAP = {
  sampling: { cfgScale: 1 },
  decoding: { method: 'sjd', window: 16, init: 'vertical' },
} as const;

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const requests: RequestRecord[] = [];
  const stopAt = Date.now() + options.durationMs;
  let nextSeed = options.firstSeed;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      const client = new SjdClient({
        ...(options.target ? { target: options.target } : { addresses: options.addresses ?? [] }),
        // Its own connections, as a client in another process would have (grpc-js shares
        // them between the channels of one process otherwise).
        channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
      });
      try {
        while (Date.now() < stopAt) requests.push(await generateOnce(client, nextSeed++, options));
      } finally {
        client.close();
      }
    }),
  );
  return { requests };
}

async function generateOnce(
  client: SjdClient,
  seed: number,
  options: LoadOptions,
): Promise<RequestRecord> {
  const startMs = Date.now();
  const errors: string[] = [];
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    try {
      let done = false;
      for await (const event of client.generate(
        { prompt: PROMPT, seed, ...CHEAP },
        { timeoutMs: options.attemptDeadlineMs },
      )) {
        done ||= isDone(event);
      }
      if (!done) throw new Error('the stream ended without generation-done');
      return { seed, startMs, endMs: Date.now(), errors, ok: true };
    } catch (error) {
      const status = SjdRpcError.isInstance(error) ? error.status : 'CLIENT_ERROR';
      errors.push(
        SjdRpcError.isInstance(error) ? `${status}: ${error.details}`.slice(0, 160) : status,
      );
      if (!isRetryable(error)) break;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt * Math.random()));
    }
  }
  return { seed, startMs, endMs: Date.now(), errors, ok: false };
}

function isDone(event: RemoteGenerationEvent): boolean {
  return event.type === 'generation-done';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await runLoad(JSON.parse(process.argv[2] ?? '{}') as LoadOptions);
  // Exit at once: a connection attempt to an unplugged replica would keep the process
  // alive until gRPC's connect timeout (20 s), although every channel is closed.
  process.stdout.write(JSON.stringify(report), () => process.exit(0));
}
