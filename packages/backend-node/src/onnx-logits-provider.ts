import { type CacheStrategy, type CostPoint, InvalidArgumentError } from '@sjd/core';
import {
  checkDecoderGraph,
  ImageDecoder,
  type ModelFolderReader,
  OnnxImageModel,
  recogniseModelFamily,
  resolveModelFolder,
  sjdModelRecognition,
} from '@sjd/onnx-common';
import * as ort from 'onnxruntime-node';
import { createInferenceSession, type ExecutionProvider } from './create-inference-session.js';
import {
  checkNodeLoadOptions,
  type LoadModelOptions,
  loadWith,
  type NodeImageModel,
  type NodeLoadSettings,
  type NodeModelFamily,
} from './node-load-options.js';
import { nodeModelFolder } from './node-model-folder.js';
import type { ModelFolder } from './read-model-folder.js';

export type { LoadModelOptions } from './node-load-options.js';

/**
 * A `LogitsProvider` for decoder ONNX models in the Hugging Face Optimum /
 * transformers.js interface (`input_ids`, `attention_mask`, `position_ids`,
 * `past_key_values.*` → `logits`, `present.*`), on onnxruntime-node. Also decodes image
 * codes to pixels with the model's image decoder.
 *
 * @example
 * const model = await OnnxLogitsProvider.load({ modelDir: shippedModelDir }); // from @sjd/shapes
 * const prompt = model.encodePrompt(model.prepareCaption('a large red circle in the centre'));
 * const result = await generate({ provider: model, prompt: prompt.conditional, … });
 * const png = encodePng(await model.decodeImage(result.images[0].codes), 64, 64);
 */
export class OnnxLogitsProvider extends OnnxImageModel implements NodeImageModel {
  readonly folder: ModelFolder;
  readonly executionProvider: ExecutionProvider;
  /** The model folder (absolute path). */
  readonly modelDir: string;

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
    this.modelDir = folder.dir;
    this.executionProvider = executionProvider;
  }

  /**
   * Loads an `sjd-model` folder (for a folder of any family: `loadModel`). Throws
   * `InvalidArgumentError` (a bad option), `ModelLoadError` or `ExecutionProviderError`
   * saying what is wrong.
   */
  static async load(options: LoadModelOptions): Promise<OnnxLogitsProvider> {
    const settings = checkNodeLoadOptions(options);
    const folder = await nodeModelFolder(options.modelDir);
    await recogniseModelFamily(folder, [sjdModelRecognition]);
    return loadWith(
      { ...sjdModelRecognition, load: OnnxLogitsProvider.open },
      folder,
      settings,
      options.calibrate === true,
    );
  }

  /** The `sjd-model` family's loader: a recognised folder, options already checked. */
  static async open(
    reader: ModelFolderReader,
    settings: NodeLoadSettings,
  ): Promise<OnnxLogitsProvider> {
    if (settings.dtype !== undefined && settings.dtype !== 'fp32') {
      throw new InvalidArgumentError({
        field: 'dtype',
        allowed: 'fp32 (an sjd-model folder holds one float32 decoder)',
        received: settings.dtype,
      });
    }
    const resolved = await resolveModelFolder(reader);
    const folder: ModelFolder = {
      dir: resolved.location,
      manifest: resolved.manifest,
      decoderPath: resolved.decoderPath,
      imageDecoderPath: resolved.imageDecoderPath,
    };
    const { executionProvider } = settings;
    const decoder = await createInferenceSession(
      folder.decoderPath,
      executionProvider,
      settings.threads,
    );
    try {
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
      return new OnnxLogitsProvider(
        folder,
        decoder,
        imageDecoder,
        executionProvider,
        settings.cacheStrategy,
        settings.maxBatchRows,
        settings.costProfile,
      );
    } catch (error) {
      await decoder.release();
      throw error;
    }
  }
}

/** The project's own `sjd-model` family on onnxruntime-node (see `loadModel`). */
export const sjdModelFamily: NodeModelFamily = {
  ...sjdModelRecognition,
  load: (folder, settings) => OnnxLogitsProvider.open(folder, settings),
};
