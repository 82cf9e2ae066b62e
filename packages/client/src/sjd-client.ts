import {
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  credentials,
  Metadata,
} from '@grpc/grpc-js';
import { channelTarget } from './channel-target.js';
import type { RemoteGenerationEvent } from './client-events.js';
import { type GenerateParams, toGenerateRequest } from './generate-params.js';
import { GenerationServiceClient, type ListModelsResponse } from './generated/sjd/v1/sjd.js';
import type { ModelList } from './model-info.js';
import { SJD_CHANNEL_OPTIONS } from './service-config.js';
import { SjdClientError } from './sjd-client-error.js';
import { toGenerationEvent } from './to-generation-event.js';
import { toRpcError } from './to-rpc-error.js';

/** Where the servers are and how to reach them. Give `addresses` or `target`. */
export interface SjdClientOptions {
  /**
   * One or more `host:port` addresses. With several (IP literals), or one DNS name that
   * resolves to several replicas, gRPC balances calls round-robin over every one that is up.
   */
  readonly addresses?: string | readonly string[];
  /** A raw gRPC target instead, e.g. `dns:///sjd.internal:50051` (also balanced round-robin). */
  readonly target?: string;
  /** Default: insecure (plaintext), as `sjd serve` listens. */
  readonly credentials?: ChannelCredentials;
  /** Extra grpc-js channel options (they override {@link SJD_CHANNEL_OPTIONS}: round-robin, retries, keepalive). */
  readonly channelOptions?: ChannelOptions;
}

/** Per-call settings. */
export interface CallSettings {
  /** Aborting cancels the call on the server (which stops within one decoding step); the call then throws the signal's reason. */
  readonly signal?: AbortSignal;
  /** Give up (DEADLINE_EXCEEDED) after this many milliseconds; the server stops too. */
  readonly timeoutMs?: number;
}

/**
 * A thin typed client for `sjd serve` (`sjd.v1.GenerationService`); no model runtime.
 * Failed calls throw {@link SjdRpcError} (status, field, allowed); an aborted call throws
 * the signal's reason.
 *
 * @example
 * const client = new SjdClient({ addresses: ['10.0.0.5:50051', '10.0.0.6:50051'] });
 * for await (const event of client.generate({ prompt: 'a large red circle in the centre', seed: 7 })) {
 *   if (event.type === 'image-done') await writeFile(`image-${event.image}.png`, event.png);
 * }
 * client.close();
 */
export class SjdClient {
  /** The gRPC target the channel resolves. */
  readonly target: string;
  private readonly client: GenerationServiceClient;
  private readonly calls = new Set<{ cancel(): void }>();

  constructor(options: SjdClientOptions) {
    if ((options.addresses === undefined) === (options.target === undefined)) {
      throw new SjdClientError({
        field: 'addresses',
        message: 'Give either addresses (host:port, one or more) or a gRPC target.',
      });
    }
    this.target =
      options.target ??
      channelTarget(
        typeof options.addresses === 'string' ? [options.addresses] : options.addresses!,
      );
    this.client = new GenerationServiceClient(
      this.target,
      options.credentials ?? credentials.createInsecure(),
      { ...SJD_CHANNEL_OPTIONS, ...options.channelOptions },
    );
  }

  /**
   * Streams one generation: `generation-start`, then per image a `token-block` per
   * decoding step (with `image-preview`s if asked) and `image-done` with the PNG, then
   * `generation-done`. Breaking out of the loop cancels the call.
   */
  async *generate(
    params: GenerateParams,
    settings: CallSettings = {},
  ): AsyncGenerator<RemoteGenerationEvent> {
    const { signal } = settings;
    signal?.throwIfAborted();
    const request = toGenerateRequest(params);
    const call = this.client.generate(request, new Metadata(), callOptions(settings));
    this.calls.add(call);
    const cancel = () => call.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      for await (const response of call) {
        const event = toGenerationEvent(response);
        if (event) yield event;
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toRpcError(error);
    } finally {
      signal?.removeEventListener('abort', cancel);
      this.calls.delete(call);
      call.cancel();
    }
  }

  /** The models the server (one of the replicas) can run, and its default. */
  listModels(settings: CallSettings = {}): Promise<ModelList> {
    const { signal } = settings;
    return new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const call = this.client.listModels(
        {},
        new Metadata(),
        callOptions(settings),
        (error, response) => {
          signal?.removeEventListener('abort', cancel);
          this.calls.delete(call);
          if (signal?.aborted) reject(signal.reason);
          else if (error) reject(toRpcError(error));
          else resolve(toModelList(response));
        },
      );
      this.calls.add(call);
      const cancel = () => call.cancel();
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  /** Cancels the calls in flight (they throw CANCELLED) and closes the channel. */
  close(): void {
    for (const call of this.calls) call.cancel();
    this.calls.clear();
    this.client.close();
  }
}

function toModelList(response: ListModelsResponse): ModelList {
  return {
    defaultModel: response.defaultModel,
    models: response.models.map((m) => ({
      ...m,
      recommendedSampling: {
        temperature: m.recommendedSampling?.temperature ?? 1,
        topK: m.recommendedSampling?.topK ?? 0,
        topP: m.recommendedSampling?.topP ?? 1,
        cfgScale: m.recommendedSampling?.cfgScale ?? 1,
      },
    })),
  };
}

function callOptions(settings: CallSettings): Partial<CallOptions> {
  if (settings.timeoutMs === undefined) return {};
  if (!(settings.timeoutMs > 0)) {
    throw new SjdClientError({
      field: 'timeoutMs',
      message: `Invalid timeoutMs: expected a number > 0, received ${settings.timeoutMs}.`,
    });
  }
  return { deadline: Date.now() + settings.timeoutMs };
}
