import {
  type DecodingSettings,
  type DecodingStatistics,
  encodePrompt,
  generate,
  InvalidArgumentError,
  type SamplingSettings,
} from '@sjd/core';
import { encodePng } from './encode-png.js';
import { type LoadModelOptions, OnnxLogitsProvider } from './onnx-logits-provider.js';
import { prepareCaption } from './prepare-caption.js';

/** What {@link generateImage} needs: a caption, everything else has a default. */
export interface GenerateImageOptions {
  /** The caption, e.g. `'a large red circle in the centre'`. A trailing full stop is fine. */
  readonly prompt: string;
  /**
   * A model loaded with `OnnxLogitsProvider.load()` (reused, left open: the fast path for
   * many calls), or options to load one for this call and release after. Default: the
   * shipped model, loaded for this call.
   */
  readonly model?: OnnxLogitsProvider | LoadModelOptions;
  /** Safe integer. Omitted: a random seed, returned in the result. */
  readonly seed?: number;
  /** Overrides of the model's recommended sampling (`manifest.sampling`). */
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
  /** The caption the model was given (see {@link prepareCaption}). */
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
 * const { png, statistics } = await generateImage({ prompt: 'a small blue square at the top left', seed: 7 });
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
  const given = options.model instanceof OnnxLogitsProvider ? options.model : undefined;
  const model = given ?? (await OnnxLogitsProvider.load((options.model as LoadModelOptions) ?? {}));
  try {
    const { manifest } = model;
    const caption = prepareCaption(manifest, options.prompt);
    const prompt = encodePrompt(manifest, caption);
    const result = await generate({
      provider: model,
      prompt: prompt.conditional,
      unconditionalPrompt: prompt.unconditional,
      sampling: { ...manifest.sampling, ...options.sampling },
      ...(options.decoding ? { decoding: options.decoding } : {}),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const image = result.images[0]!;
    const width = manifest.image.pixelWidth * scale;
    const height = manifest.image.pixelHeight * scale;
    const rgb = await model.decodeImage(image.codes);
    return {
      png: encodePng(rgb, manifest.image.pixelWidth, manifest.image.pixelHeight, scale),
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
