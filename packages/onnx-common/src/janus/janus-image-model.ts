import {
  type CacheStrategy,
  type CostPoint,
  CostProfile,
  checkCostPoints,
  type ImageLayout,
  InvalidArgumentError,
  type LogitsProvider,
  type LogitsSession,
  measureCostProfile,
  type OpenSessionOptions,
} from '@sjd/core';
import { OpenSessionCount } from '../count-open-sessions.js';
import { imageCodeIds } from '../image-code-ids.js';
import type { OnnxRuntime } from '../onnx-runtime.js';
import { tensorToFloat32 } from './float16.js';
import { type JanusConfig, type JanusFolderFiles, readJanusConfig } from './janus-config.js';
import { checkJanusGraph, type JanusGraph, type JanusSessions } from './janus-graph.js';
import { JanusPromptEncoder, type JanusPrompts } from './janus-prompt.js';
import { JanusLogitsSession, type JanusParts } from './janus-session.js';

/** An image decoded from codes: RGB bytes, row-major, 3 per pixel. */
export interface JanusImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** Options of {@link JanusImageModel.create}. */
export interface JanusModelOptions {
  /** How rejected drafts leave the KV cache. Default `trim`. */
  readonly cacheStrategy?: CacheStrategy;
  /** For logs, e.g. `onnxruntime-node/cpu`. */
  readonly providerId: string;
  /** Step costs measured before ({@link JanusImageModel.calibrate}), for `relativeCost`. */
  readonly costProfile?: readonly CostPoint[];
}

/**
 * A `LogitsProvider` for a Janus / Janus-Pro folder in the transformers.js ONNX layout
 * (`model_type` `multi_modality`), written against onnxruntime-common so both backends use
 * it: each passes its runtime's `Tensor` class and the six sessions it created.
 *
 * The provider samples image codes `0 … imageCodes − 1` (`vocabSize`); prompts are text ids
 * (`promptVocabSize`), made by {@link encodePrompt}. Sizes come from the folder's JSON
 * files and the sessions' metadata, IO names from the sessions.
 */
export class JanusImageModel implements LogitsProvider {
  readonly specificationVersion = 'v1' as const;
  readonly providerId: string;
  readonly vocabSize: number;
  readonly promptVocabSize: number;
  readonly layout: ImageLayout;
  /** What the folder's JSON files say. */
  readonly config: JanusConfig;
  /** IO names and cache shape read from the sessions. */
  readonly graph: JanusGraph;
  private readonly parts: JanusParts;
  private readonly prompts: JanusPromptEncoder;
  private readonly sessionCount = new OpenSessionCount();
  private profile = new CostProfile();

  private constructor(
    runtime: OnnxRuntime,
    private readonly sessions: JanusSessions,
    files: JanusFolderFiles,
    options: JanusModelOptions,
  ) {
    this.config = readJanusConfig(files);
    this.graph = checkJanusGraph(sessions, this.config);
    this.prompts = JanusPromptEncoder.create(
      files.tokenizer,
      files.tokenizerConfig,
      files.processorConfig,
      this.config.padToken,
      files.paths?.['tokenizer_config.json'],
    );
    const side = Math.sqrt(this.config.imageTokens);
    this.providerId = options.providerId;
    this.vocabSize = this.config.imageCodes;
    this.promptVocabSize = this.config.textVocabSize;
    this.layout = {
      gridWidth: side,
      gridHeight: side,
      imageTokens: { start: 0, count: this.config.imageCodes },
      endOfRowToken: null,
    };
    if (options.costProfile !== undefined) {
      this.profile = new CostProfile(checkCostPoints(options.costProfile));
    }
    this.parts = {
      runtime,
      sessions,
      graph: this.graph,
      padToken: this.config.padToken,
      imageCodes: this.config.imageCodes,
      strategy: options.cacheStrategy ?? 'trim',
    };
  }

  /**
   * Checks the folder's JSON files and the six sessions against each other (a
   * `ModelLoadError` naming the file otherwise) and makes the provider. The caller owns the
   * sessions until this returns; afterwards {@link release} releases them.
   */
  static create(
    runtime: OnnxRuntime,
    sessions: JanusSessions,
    files: JanusFolderFiles,
    options: JanusModelOptions,
  ): JanusImageModel {
    return new JanusImageModel(runtime, sessions, files, options);
  }

  /** The CFG scale the folder's generation_config.json suggests, if any. */
  get defaultCfgScale(): number | undefined {
    return this.config.guidanceScale;
  }

  /**
   * The conditional prompt (chat template + `<begin_of_image>`) and the unconditional one
   * (its text replaced by the pad id) for a caption, to pass to `generate`.
   */
  encodePrompt(caption: string): JanusPrompts {
    if (typeof caption !== 'string') {
      throw new InvalidArgumentError({ field: 'caption', allowed: 'a string', received: caption });
    }
    return this.prompts.encode(caption);
  }

  /**
   * t(n)/t(1) for a forward pass over n tokens (two rows, as with CFG), from the timings
   * {@link calibrate} took or the `costProfile` given; the core's default guess otherwise.
   * SJD's automatic window (`window: 'auto'`) sizes itself from it.
   */
  relativeCost(blockLength: number): number {
    return this.profile.relativeCost(blockLength);
  }

  /** Whether step costs were measured or given. */
  get calibrated(): boolean {
    return this.profile.measured;
  }

  /** The measured or given step costs (empty: the core's default guess), to save and pass in later. */
  get costProfile(): readonly CostPoint[] {
    return this.profile.points;
  }

  /**
   * Times forward passes over blocks of 1 … 128 tokens after a prompt and half an image
   * (the core's `measureCostProfile`), for {@link relativeCost}. Between generations only.
   */
  async calibrate(): Promise<void> {
    const captionLength = Math.max(1, this.encodePrompt('a photo of a cat').prompt.length - 2);
    this.profile = await measureCostProfile(this, {
      prompt: { captionLength },
      vocabulary: { special: { pad: this.config.padToken } },
    });
  }

  /** Sessions currently open (for leak checks). */
  get activeSessions(): number {
    return this.sessionCount.active;
  }

  async openSession(options: OpenSessionOptions): Promise<LogitsSession> {
    options.signal?.throwIfAborted();
    const session = await JanusLogitsSession.open(this.parts, options.prefixes, options.signal);
    return this.sessionCount.track(session);
  }

  /**
   * Image codes (raster order) → pixels through `image_decode`: its `[1, 3, H, W]` output in
   * [−1, 1] becomes RGB bytes as transformers.js and the reference do
   * (`clip((x + 1) / 2 · 255, 0, 255)`, truncated to uint8).
   */
  async decodeImage(codes: Int32Array): Promise<JanusImage> {
    const cells = this.config.imageTokens;
    const ids = imageCodeIds(codes, cells, this.vocabSize);
    const { graph } = this;
    const { session, path } = this.sessions.image_decode;
    const out = await session.run({
      [graph.decodeInput]: new this.parts.runtime.Tensor('int64', ids, [1, cells]),
    });
    const tensor = out[graph.decodeOutput]!;
    const [, channels, height, width] = tensor.dims as number[];
    if (tensor.dims.length !== 4 || channels !== 3) {
      throw new Error(`${path}: expected a [1, 3, H, W] image, got [${tensor.dims.join(', ')}]`);
    }
    const pixels = tensorToFloat32(tensor);
    const plane = height! * width!;
    const rgb = new Uint8Array(plane * 3);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) {
        const v = ((pixels[c * plane + i]! + 1) * 255) / 2;
        rgb[i * 3 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
      }
    }
    for (const t of Object.values(out)) t.dispose();
    return { width: width!, height: height!, rgb };
  }

  /** Releases the six inference sessions. */
  async release(): Promise<void> {
    for (const { session } of Object.values(this.sessions)) await session.release();
  }
}
