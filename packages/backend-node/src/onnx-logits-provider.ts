import type { CacheStrategy } from '@sjd/core';
import {
  type ImageLayout,
  InvalidArgumentError,
  type LogitsProvider,
  type LogitsSession,
  layoutFromManifest,
  type ModelManifest,
  type OpenSessionOptions,
} from '@sjd/core';
import { shippedModelDir } from '@sjd/shapes';
import type * as ort from 'onnxruntime-node';
import { checkDecoderGraph } from './check-decoder-graph.js';
import {
  createInferenceSession,
  EXECUTION_PROVIDERS,
  type ExecutionProvider,
} from './create-inference-session.js';
import { ImageDecoder } from './image-decoder.js';
import { OnnxLogitsSession } from './onnx-logits-session.js';
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
    const imageDecoder = await ImageDecoder.load(folder, executionProvider);
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

  private costs: { blockLength: number; ms: number }[] = [];

  /**
   * t(n)/t(1) for a forward pass over n tokens (two rows, as with CFG), from the timings
   * taken once at load; linear between measured lengths. Used by SJD's automatic window.
   */
  relativeCost(blockLength: number): number {
    const costs = this.costs;
    if (costs.length === 0) return 1 + (blockLength - 1) / 32;
    const base = costs[0]!.ms;
    let lower = costs[0]!;
    for (const point of costs) {
      if (point.blockLength === blockLength) return point.ms / base;
      if (point.blockLength > blockLength) {
        const f = (blockLength - lower.blockLength) / (point.blockLength - lower.blockLength);
        return (lower.ms + f * (point.ms - lower.ms)) / base;
      }
      lower = point;
    }
    const last = costs.at(-1)!;
    const previous = costs.at(-2) ?? costs[0]!;
    const slope = (last.ms - previous.ms) / Math.max(1, last.blockLength - previous.blockLength);
    return (last.ms + slope * (blockLength - last.blockLength)) / base;
  }

  /**
   * Times forward passes over blocks of 1 … 128 tokens once (fastest of five after a
   * warm-up pass, after a mid-image prefix), for {@link relativeCost}. Called by `load` with `calibrate: true`.
   */
  async calibrate(): Promise<void> {
    const { manifest, layout } = this;
    // Mid-image context (prompt + half the grid), as a real step sees on average.
    const prefix = new Int32Array(
      manifest.prompt.captionLength + 1 + Math.floor((layout.gridWidth * layout.gridHeight) / 2),
    ).fill(layout.imageTokens.start);
    prefix.fill(manifest.vocabulary.special.pad, 0, manifest.prompt.captionLength + 1);
    const session = await this.openSession({ prefixes: [prefix, prefix] });
    try {
      const costs: { blockLength: number; ms: number }[] = [];
      const base = session.length;
      for (const blockLength of [1, 2, 4, 8, 16, 32, 64, 128]) {
        const block = new Int32Array(blockLength).fill(layout.imageTokens.start);
        const times: number[] = [];
        for (let i = 0; i < 6; i++) {
          const started = performance.now();
          await session.evaluate([block, block]);
          if (i > 0) times.push(performance.now() - started); // the first pass warms up
          await session.truncate(base);
        }
        // A longer block never costs less: timing noise must not make the profile dip.
        costs.push({ blockLength, ms: Math.max(Math.min(...times), costs.at(-1)?.ms ?? 0) });
      }
      this.costs = costs;
    } finally {
      await session.dispose();
    }
  }

  /** Sessions currently open (for leak checks). */
  get activeSessions(): number {
    return this.openSessions;
  }

  async openSession(options: OpenSessionOptions): Promise<LogitsSession> {
    options.signal?.throwIfAborted();
    const { decoder } = this.folder.manifest;
    const session = await OnnxLogitsSession.open(
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
