import type { DecodingMethod, DraftInit, Redraft } from './generate-params.js';

// The events of a generation as the server streams them. Named `Remote…` because they are
// not `@sjd/core`'s in-process events: the server adds the model, the pixel size and the
// effective sampling, sends PNG bytes rather than codes, and its statistics are a summary.

/** What decoding cost and how well drafts fared (server-side). */
export interface RemoteDecodingStatistics {
  /** Forward passes of the model. */
  readonly steps: number;
  readonly tokens: number;
  /** tokens ÷ steps. */
  readonly stepCompression: number;
  readonly meanAcceptedDrafts: number;
  readonly providerMs: number;
  readonly coreMs: number;
  readonly totalMs: number;
}

/** First event: what runs, and the seed that reproduces it. */
export interface RemoteGenerationStartEvent {
  readonly type: 'generation-start';
  /** The effective seed. */
  readonly seed: number;
  readonly model: string;
  readonly gridWidth: number;
  readonly gridHeight: number;
  /** Tokens per image. */
  readonly sequenceLength: number;
  readonly pixelWidth: number;
  readonly pixelHeight: number;
  readonly images: number;
  readonly method: DecodingMethod;
  /** Drafts per step (1 for `ar`), or `auto`. */
  readonly window: number | 'auto';
  readonly init: DraftInit;
  readonly redraft: Redraft;
  /** The effective sampling settings. */
  readonly sampling: {
    readonly temperature: number;
    readonly topK: number;
    readonly topP: number;
    readonly cfgScale: number;
  };
  readonly warnings: readonly string[];
}

/** One decoding step: the tokens it committed. */
export interface RemoteTokenBlockEvent {
  readonly type: 'token-block';
  readonly image: number;
  readonly step: number;
  /** Sequence position of the first token. */
  readonly start: number;
  readonly tokens: Int32Array;
  readonly acceptedDrafts: number;
}

/** An unfinished image (cells not yet committed show code 0), sent if `previewEvery` was asked. */
export interface RemoteImagePreviewEvent {
  readonly type: 'image-preview';
  readonly image: number;
  readonly steps: number;
  readonly committedTokens: number;
  readonly png: Uint8Array;
}

/** An image is complete. */
export interface RemoteImageDoneEvent {
  readonly type: 'image-done';
  readonly image: number;
  readonly png: Uint8Array;
  /** The whole generated sequence. */
  readonly tokens: Int32Array;
  readonly statistics: RemoteDecodingStatistics;
}

/** Last event: totals and the server's timings (milliseconds). */
export interface RemoteGenerationDoneEvent {
  readonly type: 'generation-done';
  readonly seed: number;
  readonly statistics: RemoteDecodingStatistics;
  readonly timings: {
    readonly queueMs: number;
    readonly firstBlockMs: number;
    readonly imageMs: number;
    readonly totalMs: number;
  };
}

/** The events of one generation, in stream order. */
export type RemoteGenerationEvent =
  | RemoteGenerationStartEvent
  | RemoteTokenBlockEvent
  | RemoteImagePreviewEvent
  | RemoteImageDoneEvent
  | RemoteGenerationDoneEvent;
