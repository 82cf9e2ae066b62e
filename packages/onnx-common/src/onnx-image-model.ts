import {
  type CacheStrategy,
  type CostPoint,
  CostProfile,
  checkCostPoints,
  type EncodedPrompt,
  encodePrompt,
  type ImageLayout,
  type LogitsProvider,
  type LogitsSession,
  layoutFromManifest,
  type ModelManifest,
  measureCostProfile,
  type OpenSessionOptions,
  prepareCaption,
} from '@sjd/core';
import type { InferenceSession } from 'onnxruntime-common';
import { type LayoutCounts, runForward } from './batched-forward.js';
import { OpenSessionCount } from './count-open-sessions.js';
import { ForwardBatcher } from './forward-batcher.js';
import { ForwardBuffers } from './forward-batcher-buffers.js';
import type { ImageDecoder } from './image-decoder.js';
import type { ImageModel, RecommendedSampling } from './image-model.js';
import { type DecoderShape, OnnxDecoderSession } from './onnx-decoder-session.js';
import type { OnnxRuntime } from './onnx-runtime.js';

/** Default of the load option `maxBatchRows`. */
export const DEFAULT_MAX_BATCH_ROWS = 1;

/**
 * A model of the `sjd-model` family: a `LogitsProvider` for a text-to-image model whose
 * decoder is an ONNX graph in the Hugging Face Optimum / transformers.js interface (token
 * ids in, `logits` out), with its manifest's word-level prompt and its image decoder (codes
 * → pixels). The part of `OnnxLogitsProvider` (Node) and `WebLogitsProvider` (browser) that
 * does not depend on where the model comes from or which runtime runs it; each subclass
 * loads its sessions.
 */
export abstract class OnnxImageModel implements LogitsProvider, ImageModel {
  readonly specificationVersion = 'v1' as const;
  readonly family = 'sjd-model';
  readonly providerId: string;
  readonly vocabSize: number;
  readonly layout: ImageLayout;
  readonly manifest: ModelManifest;
  readonly cacheStrategy: CacheStrategy;
  /** The manifest's `name`. */
  readonly name: string;
  /** The manifest's `description`. */
  readonly description: string;
  readonly pixelWidth: number;
  readonly pixelHeight: number;
  /** The manifest's `sampling`. */
  readonly recommendedSampling: RecommendedSampling;
  /** The manifest's words and `prompt.captionLength`. */
  readonly promptVocabulary: { readonly words: readonly string[]; readonly maxWords: number };
  /**
   * Merges the forward passes of concurrent sessions into one decoder call (continuous
   * batching, at most `maxBatchRows` rows a call); absent when `maxBatchRows` is 1.
   */
  readonly batcher: ForwardBatcher | undefined;
  /** Merged decoder calls per KV layout so far (docs/kv-cache.md), for tests and benchmarks. */
  readonly batchLayouts: LayoutCounts = { alone: 0, reused: 0, stacked: 0, compacted: 0 };
  private readonly shape: DecoderShape;
  private readonly sessionCount = new OpenSessionCount();
  private profile = new CostProfile();

  protected constructor(
    private readonly runtime: OnnxRuntime,
    protected readonly decoder: InferenceSession,
    private readonly imageDecoder: ImageDecoder,
    options: {
      manifest: ModelManifest;
      cacheStrategy: CacheStrategy;
      providerId: string;
      /** Most rows merged into one decoder call; 1 runs every session's passes alone. Default 1. */
      maxBatchRows?: number;
      /** Step costs measured before (e.g. by `sjd calibrate`), for {@link relativeCost}. */
      costProfile?: readonly CostPoint[];
    },
  ) {
    this.manifest = options.manifest;
    this.name = options.manifest.name;
    this.description = options.manifest.description;
    this.pixelWidth = options.manifest.image.pixelWidth;
    this.pixelHeight = options.manifest.image.pixelHeight;
    this.recommendedSampling = { ...options.manifest.sampling };
    this.promptVocabulary = {
      words: options.manifest.textTokenizer.words,
      maxWords: options.manifest.prompt.captionLength,
    };
    this.vocabSize = options.manifest.vocabulary.size;
    this.layout = layoutFromManifest(options.manifest);
    this.cacheStrategy = options.cacheStrategy;
    this.providerId = options.providerId;
    if (options.costProfile !== undefined) {
      this.profile = new CostProfile(checkCostPoints(options.costProfile));
    }
    const { decoder: d } = options.manifest;
    this.shape = {
      layers: d.numLayers,
      kvHeads: d.numKeyValueHeads,
      headDim: d.headDim,
      vocabSize: this.vocabSize,
      padToken: options.manifest.vocabulary.special.pad,
    };
    const maxRows = options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS;
    // Keeps at most two calls' merged pasts at their widest (every row, every position).
    const widestPast = maxRows * d.numKeyValueHeads * d.maxPositions * d.headDim * 4;
    const buffers = new ForwardBuffers(2 * 2 * d.numLayers * widestPast);
    this.batcher =
      maxRows > 1
        ? new ForwardBatcher(
            (requests) =>
              runForward(runtime, decoder, this.shape, requests, this.batchLayouts, buffers),
            maxRows,
          )
        : undefined;
  }

  /** Whether step costs were measured ({@link calibrate}) or given (`costProfile`). */
  get calibrated(): boolean {
    return this.profile.measured;
  }

  /** The measured or given step costs (empty: the core's default guess), to save and pass in later. */
  get costProfile(): readonly CostPoint[] {
    return this.profile.points;
  }

  /**
   * t(n)/t(1) for a forward pass over n tokens (two rows, as with CFG), from the timings
   * {@link calibrate} took or the `costProfile` given; the core's default guess otherwise.
   * Used by SJD's automatic window: the same profile and seed give the same image, while a
   * fresh calibration (timings vary run to run) may choose other windows.
   */
  relativeCost(blockLength: number): number {
    return this.profile.relativeCost(blockLength);
  }

  /**
   * Times forward passes over blocks of 1 … 128 tokens after a mid-image context (the
   * core's `measureCostProfile`), for {@link relativeCost}. Call it between generations,
   * not during one.
   */
  async calibrate(): Promise<void> {
    this.profile = await measureCostProfile(this, this.manifest);
  }

  /** Sessions currently open (for leak checks). */
  get activeSessions(): number {
    return this.sessionCount.active;
  }

  async openSession(options: OpenSessionOptions): Promise<LogitsSession> {
    options.signal?.throwIfAborted();
    const { batcher } = this;
    const session = await OnnxDecoderSession.open(
      this.runtime,
      this.decoder,
      this.shape,
      this.cacheStrategy,
      options.prefixes,
      batcher && ((request, signal) => batcher.submit(request, signal)),
      options.signal,
    );
    return this.sessionCount.track(session);
  }

  /** {@link ImageModel.prepareCaption}: the manifest's `prompt.clauseOrder`, if any (core's `prepareCaption`). */
  prepareCaption(caption: string): string {
    return prepareCaption(this.manifest, caption);
  }

  /** {@link ImageModel.encodePrompt}: the manifest's template and word-level tokenizer (core's `encodePrompt`). */
  encodePrompt(caption: string): EncodedPrompt {
    return encodePrompt(this.manifest, caption);
  }

  /** Image codes (raster order, `0 … image.count − 1`) → RGB bytes, `pixelWidth × pixelHeight × 3`. */
  decodeImage(codes: Int32Array): Promise<Uint8Array> {
    return this.imageDecoder.decode(codes);
  }

  /** Releases both inference sessions. */
  async release(): Promise<void> {
    await this.decoder.release();
    await this.imageDecoder.release();
  }
}
