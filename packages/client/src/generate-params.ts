import {
  type GenerateRequest,
  DraftInit as ProtoInit,
  DecodingMethod as ProtoMethod,
  Redraft as ProtoRedraft,
} from './generated/sjd/v1/sjd.js';
import { SjdClientError } from './sjd-client-error.js';

/** The decoder: vanilla autoregressive, greedy Jacobi, or Speculative Jacobi Decoding. */
export type DecodingMethod = 'ar' | 'jacobi' | 'sjd';

/** How new draft tokens are guessed (see the server's docs). */
export type DraftInit =
  | 'random'
  | 'horizontal'
  | 'vertical'
  | 'above-distribution'
  | 'context-frequency';

/** SJD: how drafts after a rejection are redrawn, `independent` (the paper) or `coupled`. */
export type Redraft = 'independent' | 'coupled';

/** Sampling settings; an unset field takes the model's recommendation. */
export interface SamplingSettings {
  /** ≥ 0; 0 is greedy. */
  readonly temperature?: number;
  /** Integer ≥ 0; 0 disables top-k. */
  readonly topK?: number;
  /** In (0, 1]; 1 disables top-p. */
  readonly topP?: number;
  /** Classifier-free guidance scale; 1 disables CFG. */
  readonly cfgScale?: number;
}

/** What to generate. Only `prompt` is required. */
export interface GenerateParams {
  /** The caption, in words the model knows (`listModels()` lists them). */
  readonly prompt: string;
  /** A model name from `listModels()`; default: the server's default model. */
  readonly model?: string;
  /** A safe integer; default: a random seed, reported in `generation-start`. */
  readonly seed?: number;
  /** Images to generate (the server caps it, 16 by default). Default 1. */
  readonly images?: number;
  readonly sampling?: SamplingSettings;
  /** Unset fields take the library's defaults (`DEFAULT_DECODING` of @sjd/core), as on every entry point. */
  readonly decoding?: {
    /** Default `sjd`. */
    readonly method?: DecodingMethod;
    /** Drafts verified per step, in [1, 1024], or `auto` (SJD: sized each step). Default 16. */
    readonly window?: number | 'auto';
    /** Upper bound of an `auto` window. Default 64. */
    readonly maxWindow?: number;
    /** Default `above-distribution`. */
    readonly init?: DraftInit;
    /** Default `independent`. */
    readonly redraft?: Redraft;
    /** SJD only: proactive branches per step, in [0, 15]. Default 0 (none). */
    readonly branches?: number;
  };
  /** Send an `image-preview` every this many decoding steps. Default: none. */
  readonly previewEvery?: number;
  /**
   * Receive `token-block`s at most this often (milliseconds): the steps committed meanwhile
   * come as one block (all their tokens). Fewer messages cost both sides less. Default: the
   * server's interval (`sjd serve --block-interval-ms`, 16 ms unless set; 0 there: one block
   * per step); a request can make blocks rarer than the server's, not more frequent.
   */
  readonly blockIntervalMs?: number;
}

const METHODS: Record<DecodingMethod, ProtoMethod> = {
  ar: ProtoMethod.DECODING_METHOD_AR,
  jacobi: ProtoMethod.DECODING_METHOD_JACOBI,
  sjd: ProtoMethod.DECODING_METHOD_SJD,
};

const INITS: Record<DraftInit, ProtoInit> = {
  random: ProtoInit.DRAFT_INIT_RANDOM,
  horizontal: ProtoInit.DRAFT_INIT_HORIZONTAL,
  vertical: ProtoInit.DRAFT_INIT_VERTICAL,
  'above-distribution': ProtoInit.DRAFT_INIT_ABOVE_DISTRIBUTION,
  'context-frequency': ProtoInit.DRAFT_INIT_CONTEXT_FREQUENCY,
};

const REDRAFTS: Record<Redraft, ProtoRedraft> = {
  independent: ProtoRedraft.REDRAFT_INDEPENDENT,
  coupled: ProtoRedraft.REDRAFT_COUPLED,
};

/**
 * The proto request for some parameters. Values are passed on as they are (the server
 * validates them and names the field it rejects); an unknown method or init is sent as an
 * unrecognised enum value so that the server reports it. Only what the wire format cannot
 * carry (a fractional or out-of-range integer) throws an {@link SjdClientError} here.
 */
export function toGenerateRequest(params: GenerateParams): GenerateRequest {
  const { sampling, decoding } = params;
  checkInteger('seed', params.seed, 2 ** 63);
  checkInteger('images', params.images, 2 ** 31);
  checkInteger('sampling.top_k', sampling?.topK, 2 ** 31);
  checkInteger(
    'decoding.window',
    decoding?.window === 'auto' ? undefined : decoding?.window,
    2 ** 31,
  );
  checkInteger('decoding.max_window', decoding?.maxWindow, 2 ** 31);
  checkInteger('preview_every', params.previewEvery, 2 ** 31);
  checkInteger('block_interval_ms', params.blockIntervalMs, 2 ** 31);
  return {
    model: params.model ?? '',
    prompt: params.prompt,
    ...(params.seed === undefined ? {} : { seed: BigInt(params.seed) }),
    ...(params.images === undefined ? {} : { images: params.images }),
    sampling: {
      ...(sampling?.temperature === undefined ? {} : { temperature: sampling.temperature }),
      ...(sampling?.topK === undefined ? {} : { topK: sampling.topK }),
      ...(sampling?.topP === undefined ? {} : { topP: sampling.topP }),
      ...(sampling?.cfgScale === undefined ? {} : { cfgScale: sampling.cfgScale }),
    },
    decoding: {
      method:
        decoding?.method === undefined
          ? ProtoMethod.DECODING_METHOD_UNSPECIFIED
          : (METHODS[decoding.method] ?? -1),
      init:
        decoding?.init === undefined
          ? ProtoInit.DRAFT_INIT_UNSPECIFIED
          : (INITS[decoding.init] ?? -1),
      redraft:
        decoding?.redraft === undefined
          ? ProtoRedraft.REDRAFT_UNSPECIFIED
          : (REDRAFTS[decoding.redraft] ?? -1),
      autoWindow: decoding?.window === 'auto',
      ...(decoding?.window === undefined || decoding.window === 'auto'
        ? {}
        : { window: decoding.window }),
      ...(decoding?.maxWindow === undefined ? {} : { maxWindow: decoding.maxWindow }),
      branches: decoding?.branches ?? 0,
    },
    previewEvery: params.previewEvery ?? 0,
    blockIntervalMs: params.blockIntervalMs ?? 0,
  };
}

/** The method name for a proto enum value. */
export function methodName(method: ProtoMethod): DecodingMethod {
  return method === ProtoMethod.DECODING_METHOD_AR
    ? 'ar'
    : method === ProtoMethod.DECODING_METHOD_JACOBI
      ? 'jacobi'
      : 'sjd';
}

/** The init name for a proto enum value. */
export function initName(init: ProtoInit): DraftInit {
  const entry = Object.entries(INITS).find(([, value]) => value === init);
  return (entry?.[0] as DraftInit | undefined) ?? 'above-distribution';
}

/** The redraft name for a proto enum value. */
export function redraftName(redraft: ProtoRedraft): Redraft {
  return redraft === ProtoRedraft.REDRAFT_COUPLED ? 'coupled' : 'independent';
}

function checkInteger(field: string, value: number | undefined, bound: number): void {
  if (value === undefined || (Number.isInteger(value) && value < bound && value >= -bound)) return;
  throw new SjdClientError({
    field,
    message: `Invalid ${field}: expected an integer in [-2^${Math.log2(bound)}, 2^${Math.log2(bound)}), received ${value}.`,
  });
}
