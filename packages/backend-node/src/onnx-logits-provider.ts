import {
  type CacheStrategy,
  type CostPoint,
  checkCostPoints,
  InvalidArgumentError,
} from '@sjd/core';
import {
  checkDecoderGraph,
  checkLoadOptions,
  ImageDecoder,
  OnnxImageModel,
} from '@sjd/onnx-common';
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
   * model; without it (or `costProfile`) `relativeCost` is the core's default guess.
   * Timings vary from run to run, and with them the windows `window: 'auto'` picks: for a
   * seed that always gives the same image, measure once (`sjd calibrate`, or
   * `model.costProfile` after this) and pass `costProfile`. Default false.
   */
  readonly calibrate?: boolean;
  /** Step costs measured before, for the automatic window (see `calibrate`). */
  readonly costProfile?: readonly CostPoint[];
  /**
   * Concurrent generations on this model have their forward passes merged into one
   * onnxruntime call of at most this many rows (1 per session, 2 with CFG); an integer
   * ≥ 1, 1 turns batching off. Bounds a call's memory. Default 1 (off): with the shipped
   * model's SJD it measured no faster on a 2-core CPU; 8 doubles AR throughput at 16
   * concurrent (docs/architecture.md, "Batching").
   */
  readonly maxBatchRows?: number;
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
export class OnnxLogitsProvider extends OnnxImageModel {
  readonly folder: ModelFolder;
  readonly executionProvider: ExecutionProvider;

  private constructor(
    folder: ModelFolder,
    decoder: ort.InferenceSession,
    imageDecoder: ImageDecoder,
    executionProvider: ExecutionProvider,
    cacheStrategy: CacheStrategy,
    maxBatchRows: number | undefined,
    costProfile: readonly CostPoint[] | undefined,
  ) {
    super(ort, decoder, imageDecoder, {
      manifest: folder.manifest,
      cacheStrategy,
      ...(maxBatchRows !== undefined && { maxBatchRows }),
      ...(costProfile !== undefined && { costProfile }),
      providerId: `onnxruntime-node/${executionProvider}/${folder.manifest.name}`,
    });
    this.folder = folder;
    this.executionProvider = executionProvider;
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
    const cacheStrategy = checkLoadOptions(options);
    if (options.costProfile !== undefined) checkCostPoints(options.costProfile); // before loading

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
      options.maxBatchRows,
      options.costProfile,
    );
    if (options.calibrate) await provider.calibrate();
    return provider;
  }
}
