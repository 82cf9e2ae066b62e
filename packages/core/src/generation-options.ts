import type { DraftInit } from './decoders/draft-initializers.js';
import type { Redraft } from './decoders/sjd-decoder.js';
import type { LogitsProvider } from './provider/logits-provider.js';

/** Which decoder runs: vanilla autoregressive, greedy Jacobi, or speculative Jacobi. */
export type DecodingMethod = 'ar' | 'jacobi' | 'sjd';

/** How the target distribution is shaped. Defaults: temperature 1, top-k off, top-p off, no CFG. */
export interface SamplingSettings {
  /** ≥ 0; 0 is greedy. Default 1. */
  readonly temperature?: number;
  /** Integer ≥ 0; 0 disables top-k. Default 0. */
  readonly topK?: number;
  /** In (0, 1]; 1 disables top-p. Default 1. */
  readonly topP?: number;
  /** Classifier-free guidance scale, finite; 1 disables CFG. Default 1. */
  readonly cfgScale?: number;
}

/** How tokens are decoded. Defaults: {@link DEFAULT_DECODING}. */
export interface DecodingSettings {
  readonly method?: DecodingMethod;
  /**
   * Drafts verified per step, integer in [1, 1024], or `auto` (SJD only): sized each step
   * from the provider's `relativeCost` and the acceptance so far. Ignored by `ar`.
   */
  readonly window?: number | 'auto';
  /** How new drafts are guessed. Ignored by `ar`. */
  readonly init?: DraftInit;
  /** SJD: how drafts after a rejection are redrawn, `independent` (the paper) or `coupled`. */
  readonly redraft?: Redraft;
  /** Upper bound of an `auto` window, integer in [1, 1024]. Default 64. */
  readonly maxWindow?: number;
  /**
   * SJD only: proactive branches per step, integer in [0, 15]; 0 (the default)
   * is off. Each branch is an extra batch row (two with CFG) guessing another first token;
   * when the first draft is rejected for that token, the step goes on on that row. Lossless;
   * more tokens per forward pass, at the price of wider passes (nearly free on a GPU at small
   * batch, paid in full on a CPU). Needs a provider whose sessions implement `adoptRows`.
   */
  readonly branches?: number;
}

/** Everything one call to {@link generate} or {@link generateStream} needs. */
export interface GenerateOptions {
  /** The model. */
  readonly provider: LogitsProvider;
  /** Prompt token ids; its last token is the one after which the image starts. */
  readonly prompt: ArrayLike<number>;
  /**
   * The unconditional prompt for classifier-free guidance (required when `cfgScale ≠ 1`).
   */
  readonly unconditionalPrompt?: ArrayLike<number>;
  /** Images to generate, integer in [1, 1000], one after another from one RNG stream. Default 1. */
  readonly images?: number;
  /** Safe integer. Omitted: a random seed, reported back in the events. */
  readonly seed?: number;
  readonly sampling?: SamplingSettings;
  readonly decoding?: DecodingSettings;
  /** Cancels the generation; the provider session is released. */
  readonly signal?: AbortSignal;
}

/** Options after validation and defaults. */
export interface ResolvedOptions {
  readonly prompt: Int32Array;
  readonly unconditionalPrompt: Int32Array | null;
  readonly images: number;
  readonly seed: number;
  readonly sampling: Required<SamplingSettings>;
  readonly decoding: Required<DecodingSettings>;
}

export const DEFAULT_SAMPLING: Required<SamplingSettings> = {
  temperature: 1,
  topK: 0,
  topP: 1,
  cfgScale: 1,
};

/**
 * The defaults are the fastest lossless combination measured by `pnpm bench` on the shipped
 * model (bench/results/latest.json): SJD, L = 16, drafts sampled from the row above's
 * distribution.
 */
export const DEFAULT_DECODING: Required<DecodingSettings> = {
  method: 'sjd',
  window: 16,
  init: 'above-distribution',
  redraft: 'independent',
  maxWindow: 64,
  branches: 0,
};
