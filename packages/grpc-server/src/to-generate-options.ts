import { status } from '@grpc/grpc-js';
import {
  type DecodingMethod,
  type DraftInit,
  encodePrompt,
  type GenerateOptions,
  InvalidArgumentError,
} from '@sjd/backend-node';
import {
  type GenerateRequest,
  DraftInit as ProtoInit,
  DecodingMethod as ProtoMethod,
} from './generated/sjd/v1/sjd.js';
import type { ImageModel } from './image-model.js';
import { RpcError } from './rpc-error.js';

const METHODS: ReadonlyMap<number, DecodingMethod> = new Map([
  [ProtoMethod.DECODING_METHOD_UNSPECIFIED, 'sjd'],
  [ProtoMethod.DECODING_METHOD_AR, 'ar'],
  [ProtoMethod.DECODING_METHOD_JACOBI, 'jacobi'],
  [ProtoMethod.DECODING_METHOD_SJD, 'sjd'],
]);

const INITS: ReadonlyMap<number, DraftInit> = new Map([
  [ProtoInit.DRAFT_INIT_UNSPECIFIED, 'random'],
  [ProtoInit.DRAFT_INIT_RANDOM, 'random'],
  [ProtoInit.DRAFT_INIT_HORIZONTAL, 'horizontal'],
  [ProtoInit.DRAFT_INIT_VERTICAL, 'vertical'],
]);

/** The proto spelling of core's option paths (`sampling.topP` → `sampling.top_p`). */
const PROTO_FIELDS: Readonly<Record<string, string>> = {
  'sampling.topK': 'sampling.top_k',
  'sampling.topP': 'sampling.top_p',
  'sampling.cfgScale': 'sampling.cfg_scale',
};

/** A request turned into `generateStream` options (without provider and signal). */
export interface RequestPlan {
  readonly options: Omit<GenerateOptions, 'provider' | 'signal'>;
  /** The effective sampling settings (also in `options`). */
  readonly sampling: EffectiveSampling;
  readonly previewEvery: number;
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
  const method = METHODS.get(request.decoding?.method ?? 0);
  if (method === undefined) {
    throw invalid(
      'decoding.method',
      'DECODING_METHOD_AR | DECODING_METHOD_JACOBI | DECODING_METHOD_SJD',
      request.decoding?.method,
    );
  }
  const init = INITS.get(request.decoding?.init ?? 0);
  if (init === undefined) {
    throw invalid(
      'decoding.init',
      'DRAFT_INIT_RANDOM | DRAFT_INIT_HORIZONTAL | DRAFT_INIT_VERTICAL',
      request.decoding?.init,
    );
  }
  const images = request.images ?? 1;
  if (!(images >= 1 && images <= maxImages)) {
    throw invalid('images', `an integer in [1, ${maxImages}] (this server's limit)`, images);
  }
  if (!(request.previewEvery >= 0)) {
    throw invalid('preview_every', 'an integer ≥ 0 (0: no previews)', request.previewEvery);
  }
  let seed: number | undefined;
  if (request.seed !== undefined) {
    seed = Number(request.seed);
    if (!Number.isSafeInteger(seed))
      throw invalid('seed', 'a safe integer (|seed| < 2^53)', request.seed);
  }
  const prompt = encodePromptOrThrow(model, request.prompt);
  const recommended = model.manifest.sampling;
  const asked = request.sampling ?? {};
  const sampling: EffectiveSampling = {
    temperature: asked.temperature ?? recommended.temperature,
    topK: asked.topK ?? recommended.topK,
    topP: asked.topP ?? recommended.topP,
    cfgScale: asked.cfgScale ?? recommended.cfgScale,
  };
  return {
    previewEvery: request.previewEvery,
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
        ...(request.decoding?.window === undefined ? {} : { window: request.decoding.window }),
      },
    },
  };
}

function encodePromptOrThrow(model: ImageModel, caption: string) {
  try {
    return encodePrompt(model.manifest, caption);
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
