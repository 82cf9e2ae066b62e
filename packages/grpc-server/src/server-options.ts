import type { ChannelOptions } from '@grpc/grpc-js';
import type { LoadModelOptions } from '@sjd/backend-node';
import type { ImageModel } from './image-model.js';
import type { ServerLogger } from './server-log.js';

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
  /** Generations decoding at once. Default 2. */
  readonly maxConcurrent?: number;
  /** Generations waiting for a slot; beyond that, RESOURCE_EXHAUSTED. Default 32. */
  readonly maxQueue?: number;
  /** Most images one request may ask for. Default 16. */
  readonly maxImagesPerRequest?: number;
  /** Milliseconds running streams get to finish on shutdown before they are cancelled. Default 10 000. */
  readonly shutdownGraceMs?: number;
  /** Where log records go. Default: one JSON line per record on stderr. */
  readonly log?: ServerLogger;
  /** Extra grpc-js server options (`grpc.max_receive_message_length`, keepalive, …). */
  readonly channelOptions?: ChannelOptions;
}

/** The defaults of {@link SjdServerOptions}. */
export const SERVER_DEFAULTS = {
  maxConcurrent: 2,
  maxQueue: 32,
  maxImagesPerRequest: 16,
  shutdownGraceMs: 10_000,
} as const;
