import type { DraftInit } from './decoders/draft-initializers.js';
import type { Redraft } from './decoders/sjd-decoder.js';
import type { DecodingMethod } from './generation-options.js';
import type { DecodingStatistics } from './stats/statistics-recorder.js';

/** First event of every generation: what will run, and the seed that reproduces it. */
export interface GenerationStartEvent {
  readonly type: 'generation-start';
  /** The effective seed (the one given, or the random one chosen). */
  readonly seed: number;
  readonly method: DecodingMethod;
  /** Drafts per step (1 for `ar`), or `auto`. */
  readonly window: number | 'auto';
  readonly init: DraftInit;
  readonly redraft: Redraft;
  readonly images: number;
  readonly gridWidth: number;
  readonly gridHeight: number;
  /** Tokens generated per image (cells plus any end-of-row tokens). */
  readonly sequenceLength: number;
  readonly providerId: string;
  /** Settings the chosen method cannot honour (e.g. temperature for greedy Jacobi). */
  readonly warnings: readonly string[];
}

/** One decoding step: the tokens it committed. */
export interface TokenBlockEvent {
  readonly type: 'token-block';
  /** Index of the image (0-based). */
  readonly image: number;
  /** Step number within the image (0-based). */
  readonly step: number;
  /** Image-sequence position of the first token. */
  readonly start: number;
  /** Committed token ids, at least one. */
  readonly tokens: Int32Array;
  /** Drafts accepted in this step (tokens.length − 1, or tokens.length at the image's end). */
  readonly acceptedDrafts: number;
}

/** An image is complete. */
export interface ImageDoneEvent {
  readonly type: 'image-done';
  readonly image: number;
  /** The whole generated sequence (image tokens and any end-of-row tokens). */
  readonly tokens: Int32Array;
  /** Cell codes in raster order, `0 … imageTokens.count − 1`, ready for an image decoder. */
  readonly codes: Int32Array;
  readonly statistics: DecodingStatistics;
}

/** Last event: statistics over all images. */
export interface GenerationDoneEvent {
  readonly type: 'generation-done';
  readonly seed: number;
  readonly statistics: DecodingStatistics;
}

export type GenerationEvent =
  | GenerationStartEvent
  | TokenBlockEvent
  | ImageDoneEvent
  | GenerationDoneEvent;
