import type { ChannelOptions } from '@grpc/grpc-js';
import type { LoadModelOptions } from '@sjd/backend-node';
import type { ImageModel } from './image-model.js';
import type { ServerLogger } from './server-log.js';

/** TLS for the server: PEM certificate chain and key; with `clientCa`, mutual TLS. */
export interface ServerTlsOptions {
  /** The server's certificate chain (PEM). */
  readonly certChain: Buffer;
  /** The server's private key (PEM). */
  readonly privateKey: Buffer;
  /** CA certificates (PEM) that client certificates must chain to; set: every client needs one. */
  readonly clientCa?: Buffer;
}

/** How an {@link SjdGrpcServer} runs. Every field is optional. */
export interface SjdServerOptions {
  /**
   * Model folders to load and serve; the first is the default model. Default: the shipped
   * model. The server loads them after binding (health says NOT_SERVING meanwhile) and
   * releases them when it stops.
   */
  readonly modelDirs?: readonly string[];
  /** How to load `modelDirs` (execution provider, threads, cache strategy). */
  readonly loadOptions?: Omit<LoadModelOptions, 'modelDir'>;
  /**
   * Models loaded by the caller, instead of `modelDirs` (the first is the default). The
   * caller keeps ownership: the server does not release them.
   */
  readonly models?: readonly ImageModel[] | Promise<readonly ImageModel[]>;
  /**
   * Rows (a generation's: 1, or 2 with classifier-free guidance) decoding at once, merged
   * into one forward pass per step (continuous batching, docs/architecture.md). Above 1,
   * the models the server loads get it as their `maxBatchRows` (models passed in keep
   * their own) and admission counts rows: a generation starts when its rows fit. With the
   * queue it bounds memory: at most this many rows of KV cache and logits decode at once.
   * Default 1: no merging, every generation decodes on its own (`maxConcurrent` at once).
   */
  readonly maxBatchRows?: number;
  /**
   * Generations decoding at once. Default 2; with `maxBatchRows` above 1, as many as the
   * rows allow (`maxBatchRows`).
   */
  readonly maxConcurrent?: number;
  /** Generations waiting for a slot; beyond that, RESOURCE_EXHAUSTED. Default 32. */
  readonly maxQueue?: number;
  /** Most images one request may ask for. Default 16. */
  readonly maxImagesPerRequest?: number;
  /**
   * Token blocks go out at most this often per stream (milliseconds): the steps committed
   * meanwhile leave as one `token_block` (every token, in order; its `step` the last one).
   * A request's `block_interval_ms` can make them rarer, not more frequent. Each message
   * costs the server and the client CPU (~0.3 ms each on the shipped model, docs/grpc.md);
   * one per decoding step (~2 ms apart) made serving cost ~30 % more than in-process
   * generation. Default 16 (about a 60 Hz display frame); 0: one token_block per step.
   */
  readonly blockIntervalMs?: number;
  /** Milliseconds running streams get to finish on shutdown before they are cancelled. Default 10 000. */
  readonly shutdownGraceMs?: number;
  /**
   * Milliseconds between the server's keepalive pings on a connection; one not answered
   * within `keepaliveTimeoutMs` closes the connection. This also closes connections whose
   * HTTP/2 session is wedged (e.g. after a request header over 64 KB, which Node answers
   * with GOAWAY without ever closing the socket). Default 30 000.
   */
  readonly keepaliveMs?: number;
  /** Milliseconds to wait for a keepalive ping's answer. Default 10 000. */
  readonly keepaliveTimeoutMs?: number;
  /**
   * A connection without a call for this many milliseconds is closed, including one that
   * never sends a byte. Default 300 000.
   */
  readonly maxConnectionIdleMs?: number;
  /**
   * Connections older than this are asked to go away (calls in flight get
   * `shutdownGraceMs` to finish), so clients rebalance. Default: no limit (0).
   */
  readonly maxConnectionAgeMs?: number;
  /**
   * The longest a Generate call may run, in milliseconds: a call asking for a later
   * deadline (or none) ends with DEADLINE_EXCEEDED at this one. Default 600 000.
   */
  readonly maxDeadlineMs?: number;
  /** Calls one connection may have open at once. Default 100. */
  readonly maxConcurrentStreams?: number;
  /** Serve over TLS (mutual TLS with `clientCa`). Default: plaintext, loopback only. */
  readonly tls?: ServerTlsOptions;
  /**
   * A bearer token every call must carry (`authorization: Bearer <token>`); others end
   * with UNAUTHENTICATED. Health checks need none. Default: no token.
   */
  readonly authToken?: string;
  /**
   * Allow plaintext on an address other than loopback. Without TLS, `listen` refuses
   * any other address unless this is set. Default false.
   */
  readonly insecure?: boolean;
  /**
   * Serve Prometheus metrics (`GET /metrics`) over HTTP on this port (0: any free one) and
   * host (default `127.0.0.1`), from {@link SjdGrpcServer.listen} on. Default: not served.
   */
  readonly metrics?: { readonly port: number; readonly host?: string };
  /** Where log records go. Default: one JSON line per record on stderr. */
  readonly log?: ServerLogger;
  /** Extra grpc-js server options (`grpc.max_receive_message_length`, keepalive, …). */
  readonly channelOptions?: ChannelOptions;
}

/** The defaults of {@link SjdServerOptions}. */
export const SERVER_DEFAULTS = {
  maxBatchRows: 1,
  maxConcurrent: 2,
  maxQueue: 32,
  maxImagesPerRequest: 16,
  blockIntervalMs: 16,
  shutdownGraceMs: 10_000,
  keepaliveMs: 30_000,
  keepaliveTimeoutMs: 10_000,
  maxConnectionIdleMs: 300_000,
  maxConnectionAgeMs: 0,
  maxConcurrentStreams: 100,
  maxDeadlineMs: 600_000,
} as const;
