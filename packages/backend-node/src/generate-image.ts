import {
  type DecodingSettings,
  type DecodingStatistics,
  generate,
  InvalidArgumentError,
  type SamplingSettings,
} from '@sjd/core';
import type { ImageModel } from '@sjd/onnx-common';
import { encodePng } from './encode-png.js';
import { loadModel } from './load-model.js';
import type { LoadModelOptions } from './node-load-options.js';

/** What {@link generateImage} needs: a caption, everything else has a default. */
export interface GenerateImageOptions {
  /** The caption, e.g. `'a large red circle in the centre'`. A trailing full stop is fine. */
  readonly prompt: string;
  /**
   * A model loaded with `loadModel()` (reused, left open: the fast path for many calls),
   * or options to load one for this call (any family) and release after, e.g.
   * `{ modelDir: shippedModelDir }` with the shipped model of `@sjd/shapes`.
   */
  readonly model: ImageModel | LoadModelOptions;
  /** Safe integer. Omitted: a random seed, returned in the result. */
  readonly seed?: number;
  /** Overrides of the model's recommended sampling (`model.recommendedSampling`). */
  readonly sampling?: SamplingSettings;
  /** Default: SJD, window 16, drafts from the row above's distribution. */
  readonly decoding?: DecodingSettings;
  /** Whole-pixel upscaling of the PNG, integer in [1, 64]. Default 1. */
  readonly scale?: number;
  /** Cancels the generation. */
  readonly signal?: AbortSignal;
}

/** One generated image, ready to write to a `.png` file. */
export interface GeneratedImage {
  /** The PNG file's bytes. */
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** The seed that reproduces this image with the same options. */
  readonly seed: number;
  /** The caption the model was given (its `prepareCaption`: e.g. shapes in reading order). */
  readonly prompt: string;
  /** Forward passes, step compression, acceptance, timings. */
  readonly statistics: DecodingStatistics;
  /** Options that had no effect, e.g. a temperature given to greedy Jacobi decoding. */
  readonly warnings: readonly string[];
}

/**
 * Prompt in, PNG out, in one call: loads the model (unless given one), encodes the caption,
 * decodes the image tokens (SJD by default, exact in distribution) and encodes the PNG.
 * For progress events use `generateStream`, which this wraps.
 *
 * @example
 * import { shippedModelDir } from '@sjd/shapes';
 * const { png, statistics } = await generateImage({
 *   prompt: 'a small blue square at the top left',
 *   model: { modelDir: shippedModelDir },
 *   seed: 7,
 * });
 * writeFileSync('out.png', png);
 */
export async function generateImage(options: GenerateImageOptions): Promise<GeneratedImage> {
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) {
    throw new InvalidArgumentError({
      field: 'scale',
      allowed: 'an integer in [1, 64]',
      received: scale,
    });
  }
  if (typeof options.model !== 'object' || options.model === null) {
    throw new InvalidArgumentError({
      field: 'model',
      allowed: 'a model from loadModel(), or load options such as { modelDir }',
      received: options.model,
    });
  }
  const given = isImageModel(options.model) ? options.model : undefined;
  const model = given ?? (await loadModel(options.model as LoadModelOptions));
  try {
    const caption = model.prepareCaption(options.prompt);
    const prompt = model.encodePrompt(caption);
    const result = await generate({
      provider: model,
      prompt: prompt.conditional,
      unconditionalPrompt: prompt.unconditional,
      sampling: { ...model.recommendedSampling, ...options.sampling },
      ...(options.decoding ? { decoding: options.decoding } : {}),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const image = result.images[0]!;
    const width = model.pixelWidth * scale;
    const height = model.pixelHeight * scale;
    const rgb = await model.decodeImage(image.codes);
    return {
      png: encodePng(rgb, model.pixelWidth, model.pixelHeight, scale),
      width,
      height,
      seed: result.seed,
      prompt: caption,
      statistics: result.statistics,
      warnings: result.warnings,
    };
  } finally {
    if (!given) await model.release();
  }
}

function isImageModel(model: ImageModel | LoadModelOptions): model is ImageModel {
  return typeof (model as Partial<ImageModel> | undefined)?.openSession === 'function';
}
