import type { CacheStrategy } from '@sjd/core';
import {
  CostProfile,
  type ImageLayout,
  InvalidArgumentError,
  type LogitsProvider,
  type LogitsSession,
  layoutFromManifest,
  type ModelManifest,
  measureCostProfile,
  type OpenSessionOptions,
} from '@sjd/core';
import { checkDecoderGraph, ImageDecoder, OnnxDecoderSession } from '@sjd/onnx-common';
import { shippedModelDir } from '@sjd/shapes';
import * as ort from 'onnxruntime-node';
import {
  createInferenceSession,
  EXECUTION_PROVIDERS,
  type ExecutionProvider,
} from './create-inference-session.js';
import { type ModelFolder, readModelFolder } from './read-model-folder.js';

/** How to load a model. Every field is optional. */
export interface LoadModelOptions {
  /** A model folder with a `manifest.json`. Default: the shipped model. */
  readonly modelDir?: string;
  /** Default `cpu`. */
  readonly executionProvider?: ExecutionProvider;
  /** How rejected drafts leave the KV cache. Default `trim` (see docs/kv-cache.md). */
  readonly cacheStrategy?: CacheStrategy;
  /** onnxruntime intra-op threads. Default: onnxruntime's choice (all cores). */
  readonly threads?: number;
  /**
   * Time forward passes once at load (about a second) for the automatic window's cost
   * model; without it `relativeCost` is the core's default guess. Default false.
   */
  readonly calibrate?: boolean;
}

/**
 * A `LogitsProvider` for decoder ONNX models in the Hugging Face Optimum /
 * transformers.js interface (`input_ids`, `attention_mask`, `position_ids`,
 * `past_key_values.*` → `logits`, `present.*`), on onnxruntime-node. Also decodes image
 * codes to pixels with the model's image decoder.
 *
 * @example
 * const model = await OnnxLogitsProvider.load();
 * const prompt = encodePrompt(model.manifest, 'a large red circle in the centre');
 * const result = await generate({ provider: model, prompt: prompt.conditional, … });
 * const png = encodePng(await model.decodeImage(result.images[0].codes), 64, 64);
 */
export class OnnxLogitsProvider implements LogitsProvider {
  readonly specificationVersion = 'v1' as const;
  readonly providerId: string;
  readonly vocabSize: number;
  readonly layout: ImageLayout;
  readonly manifest: ModelManifest;
  readonly folder: ModelFolder;
  readonly executionProvider: ExecutionProvider;
  readonly cacheStrategy: CacheStrategy;
  private openSessions = 0;

  private constructor(
    folder: ModelFolder,
    private readonly decoder: ort.InferenceSession,
    private readonly imageDecoder: ImageDecoder,
    executionProvider: ExecutionProvider,
    cacheStrategy: CacheStrategy,
  ) {
    this.folder = folder;
    this.manifest = folder.manifest;
    this.vocabSize = folder.manifest.vocabulary.size;
    this.layout = layoutFromManifest(folder.manifest);
    this.executionProvider = executionProvider;
    this.cacheStrategy = cacheStrategy;
    this.providerId = `onnxruntime-node/${executionProvider}/${folder.manifest.name}`;
  }

  /** Loads a model folder; throws `ModelLoadError` or `ExecutionProviderError` saying what is wrong. */
  static async load(options: LoadModelOptions = {}): Promise<OnnxLogitsProvider> {
    const executionProvider = options.executionProvider ?? 'cpu';
    if (!EXECUTION_PROVIDERS.includes(executionProvider)) {
      throw new InvalidArgumentError({
        field: 'executionProvider',
        allowed: EXECUTION_PROVIDERS.join(' | '),
        received: executionProvider,
      });
    }
    const cacheStrategy = options.cacheStrategy ?? 'trim';
    if (cacheStrategy !== 'trim' && cacheStrategy !== 'mask') {
      throw new InvalidArgumentError({
        field: 'cacheStrategy',
        allowed: 'trim | mask',
        received: cacheStrategy,
      });
    }
    if (
      options.threads !== undefined &&
      !(Number.isInteger(options.threads) && options.threads >= 1)
    ) {
      throw new InvalidArgumentError({
        field: 'threads',
        allowed: 'an integer ≥ 1',
        received: options.threads,
      });
    }
    const folder = await readModelFolder(options.modelDir ?? shippedModelDir);
    const decoder = await createInferenceSession(
      folder.decoderPath,
      executionProvider,
      options.threads,
    );
    checkDecoderGraph(decoder, folder.manifest, folder.decoderPath);
    // The image decoder is a tiny lookup: WebGPU would cost more than it saves, CPU runs it.
    const imageDecoder = await ImageDecoder.open(
      ort,
      await createInferenceSession(
        folder.imageDecoderPath,
        executionProvider === 'webgpu' ? 'cpu' : executionProvider,
      ),
      folder.imageDecoderPath,
      folder.manifest,
    );
    const provider = new OnnxLogitsProvider(
      folder,
      decoder,
      imageDecoder,
      executionProvider,
      cacheStrategy,
    );
    if (options.calibrate) await provider.calibrate();
    return provider;
  }

  private profile = new CostProfile();

  /** Whether {@link calibrate} has measured this machine's step costs. */
  get calibrated(): boolean {
    return this.profile.measured;
  }

  /**
   * t(n)/t(1) for a forward pass over n tokens (two rows, as with CFG), from the timings
   * {@link calibrate} took; the core's default guess before. Used by SJD's automatic window.
   */
  relativeCost(blockLength: number): number {
    return this.profile.relativeCost(blockLength);
  }

  /**
   * Times forward passes over blocks of 1 … 128 tokens after a mid-image context (see the
   * core's `measureCostProfile`), for {@link relativeCost}. Called by `load` with
   * `calibrate: true`; call it between generations, not during one.
   */
  async calibrate(): Promise<void> {
    this.profile = await measureCostProfile(this, this.manifest);
  }

  /** Sessions currently open (for leak checks). */
  get activeSessions(): number {
    return this.openSessions;
  }

  async openSession(options: OpenSessionOptions): Promise<LogitsSession> {
    options.signal?.throwIfAborted();
    const { decoder } = this.folder.manifest;
    const session = await OnnxDecoderSession.open(
      ort,
      this.decoder,
      {
        layers: decoder.numLayers,
        kvHeads: decoder.numKeyValueHeads,
        headDim: decoder.headDim,
        vocabSize: this.vocabSize,
        padToken: this.manifest.vocabulary.special.pad,
      },
      this.cacheStrategy,
      options.prefixes,
    );
    this.openSessions++;
    const dispose = session.dispose.bind(session);
    let disposed = false;
    session.dispose = async () => {
      if (!disposed) {
        disposed = true;
        this.openSessions--;
      }
      await dispose();
    };
    return session;
  }

  /** Image codes (raster order, `0 … image.count − 1`) → RGB bytes, `pixelWidth × pixelHeight × 3`. */
  decodeImage(codes: Int32Array): Promise<Uint8Array> {
    return this.imageDecoder.decode(codes);
  }

  /** Releases both onnxruntime sessions. */
  async release(): Promise<void> {
    await this.decoder.release();
    await this.imageDecoder.release();
  }
}
