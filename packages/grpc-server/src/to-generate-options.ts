import { status } from '@grpc/grpc-js';
import { type GenerateOptions, InvalidArgumentError } from '@sjd/backend-node';
import type { GenerateRequest } from './generated/sjd/v1/sjd.js';
import type { ImageModel } from './image-model.js';
import { type EnumMapping, INIT, METHOD, REDRAFT } from './proto-enums.js';
import { RpcError } from './rpc-error.js';

/** The proto spelling of core's option paths (`sampling.topP` → `sampling.top_p`). */
const PROTO_FIELDS: Readonly<Record<string, string>> = {
  'sampling.topK': 'sampling.top_k',
  'sampling.topP': 'sampling.top_p',
  'sampling.cfgScale': 'sampling.cfg_scale',
  'decoding.maxWindow': 'decoding.max_window',
};

/** A request turned into `generateStream` options (without provider and signal). */
export interface RequestPlan {
  readonly options: Omit<GenerateOptions, 'provider' | 'signal'>;
  /** The effective sampling settings (also in `options`). */
  readonly sampling: EffectiveSampling;
  readonly previewEvery: number;
  /** Token blocks at most this often (ms); 0: one per step. */
  readonly blockIntervalMs: number;
}

/** Sampling settings with the model's recommendation filled in. */
export interface EffectiveSampling {
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly cfgScale: number;
}

/**
 * Checks what only the server knows (enum values, the seed's range, the image limit,
 * previews) and builds the core options; unset sampling fields take the model's
 * recommendation. The rest is checked by the core on the stream's first step: map those
 * errors with {@link invalidArgument}.
 */
export function toGenerateOptions(
  request: GenerateRequest,
  model: ImageModel,
  maxImages: number,
): RequestPlan {
  const decoding = request.decoding;
  const method = enumValue('decoding.method', METHOD, decoding?.method);
  const init = enumValue('decoding.init', INIT, decoding?.init);
  const redraft = enumValue('decoding.redraft', REDRAFT, decoding?.redraft);
  const images = request.images ?? 1;
  if (!(images >= 1 && images <= maxImages)) {
    throw invalid('images', `an integer in [1, ${maxImages}] (this server's limit)`, images);
  }
  if (!(request.previewEvery >= 0)) {
    throw invalid('preview_every', 'an integer ≥ 0 (0: no previews)', request.previewEvery);
  }
  if (!(request.blockIntervalMs >= 0)) {
    throw invalid(
      'block_interval_ms',
      'an integer ≥ 0 (0: one token_block per step)',
      request.blockIntervalMs,
    );
  }
  let seed: number | undefined;
  if (request.seed !== undefined) {
    seed = Number(request.seed);
    if (!Number.isSafeInteger(seed))
      throw invalid('seed', 'a safe integer (|seed| < 2^53)', request.seed);
  }
  const prompt = encodePromptOrThrow(model, request.prompt);
  const recommended = model.recommendedSampling;
  const asked = request.sampling ?? {};
  const sampling: EffectiveSampling = {
    temperature: asked.temperature ?? recommended.temperature,
    topK: asked.topK ?? recommended.topK,
    topP: asked.topP ?? recommended.topP,
    cfgScale: asked.cfgScale ?? recommended.cfgScale,
  };
  return {
    previewEvery: request.previewEvery,
    blockIntervalMs: request.blockIntervalMs,
    sampling,
    options: {
      prompt: prompt.conditional,
      unconditionalPrompt: prompt.unconditional,
      images,
      ...(seed === undefined ? {} : { seed }),
      sampling,
      decoding: {
        method,
        init,
        redraft,
        ...(decoding?.autoWindow
          ? { window: 'auto' as const }
          : decoding?.window === undefined
            ? {}
            : { window: decoding.window }),
        ...(decoding?.maxWindow === undefined ? {} : { maxWindow: decoding.maxWindow }),
        ...(decoding?.branches ? { branches: decoding.branches } : {}),
      },
    },
  };
}

function encodePromptOrThrow(model: ImageModel, caption: string) {
  try {
    // The model's own canonical form (the shapes models: shapes in reading order).
    return model.encodePrompt(model.prepareCaption(caption));
  } catch (error) {
    throw invalidArgument(error) ?? error;
  }
}

/** A core `InvalidArgumentError` as INVALID_ARGUMENT naming the proto field; anything else: `undefined`. */
export function invalidArgument(error: unknown): RpcError | undefined {
  if (!InvalidArgumentError.isInstance(error)) return undefined;
  const field = PROTO_FIELDS[error.field] ?? error.field;
  const message =
    error.field === 'prompt'
      ? error.message
      : `Invalid ${field}: expected ${error.allowed}, received ${String(error.received)}.`;
  return new RpcError({
    code: status.INVALID_ARGUMENT,
    message,
    field,
    allowed: error.allowed,
    cause: error,
  });
}

function invalid(field: string, allowed: string, received: unknown): RpcError {
  return new RpcError({
    code: status.INVALID_ARGUMENT,
    message: `Invalid ${field}: expected ${allowed}, received ${String(received)}.`,
    field,
    allowed,
  });
}

function enumValue<T extends string>(
  field: string,
  mapping: EnumMapping<T>,
  value: number | undefined,
): T {
  const known = mapping.fromProto(value ?? 0);
  if (known === undefined) throw invalid(field, mapping.allowed, value);
  return known;
}
