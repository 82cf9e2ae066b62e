import {
  type EncodedPrompt,
  type ImageLayout,
  InvalidArgumentError,
  type LogitsSession,
  type OpenSessionOptions,
} from '@sjd/core';
import type { ImageModel, RecommendedSampling } from '../image-model.js';
import type { FamilyRecognition } from '../model-family.js';
import type { ModelFolderReader } from '../model-folder-reader.js';
import type { JanusImageModel } from './janus-image-model.js';

/** The top-k published SJD / SCD runs on Janus-Pro use (docs/bring-your-model.md). */
const JANUS_TOP_K = 1000;
/** The reference's CFG scale (deepseek-ai/Janus `generation_inference.py`) when the folder states none. */
const REFERENCE_CFG_SCALE = 5;

/**
 * What marks a Janus / Janus-Pro folder in the transformers.js layout, for every runtime's
 * loader of the family: `config.json` with `"model_type": "multi_modality"`. Never throws:
 * a missing, unreadable or invalid `config.json` is simply not this family's.
 */
export const janusRecognition: FamilyRecognition = {
  id: 'janus',
  recognisedBy: 'config.json with "model_type": "multi_modality"',
  markerFile: 'config.json',
  async recognise(folder: ModelFolderReader): Promise<boolean> {
    try {
      const text = await folder.readText('config.json');
      if (text === undefined) return false;
      const config = JSON.parse(text) as { model_type?: unknown } | null;
      return config?.model_type === 'multi_modality';
    } catch {
      return false;
    }
  },
};

/** What {@link JanusFamilyModel} learns from the folder beside the provider. */
export interface JanusFolderInfo {
  /** The model's name: the folder's last path segment (`Janus-Pro-1B-ONNX`). */
  readonly name: string;
  readonly pixelWidth: number;
  readonly pixelHeight: number;
}

/**
 * The name and pixel size of a loaded Janus folder: the name from its last path segment,
 * the size from `preprocessor_config.json` `image_size` (384 for Janus-Pro) where it is a
 * positive integer, else from decoding one image (the `image_decode` graph says).
 */
export async function readJanusFolderInfo(
  folder: ModelFolderReader,
  janus: JanusImageModel,
): Promise<JanusFolderInfo> {
  const segments = folder.location.split(/[/\\]/).filter((s) => s !== '');
  const name = decodeURIComponent(segments.at(-1) ?? 'janus');
  let size: number | undefined;
  try {
    const text = await folder.readText('preprocessor_config.json');
    const value = text === undefined ? undefined : (JSON.parse(text) as { image_size?: unknown });
    if (Number.isInteger(value?.image_size) && (value!.image_size as number) > 0) {
      size = value!.image_size as number;
    }
  } catch {
    size = undefined;
  }
  if (size !== undefined) return { name, pixelWidth: size, pixelHeight: size };
  const probe = await janus.decodeImage(new Int32Array(janus.config.imageTokens));
  return { name, pixelWidth: probe.width, pixelHeight: probe.height };
}

/**
 * A loaded Janus model as every entry point sees a model ({@link ImageModel}): the Janus
 * provider's own members passed through, so a generation costs nothing more per step than
 * on {@link JanusImageModel} itself (`openSession` returns its session, unwrapped). The
 * caption is open-vocabulary: {@link prepareCaption} only trims it, and there is no
 * `promptVocabulary`. {@link janus} is the provider underneath, for what only Janus has.
 */
export class JanusFamilyModel implements ImageModel {
  readonly specificationVersion = 'v1' as const;
  readonly family = 'janus';
  readonly providerId: string;
  readonly vocabSize: number;
  readonly promptVocabSize: number;
  readonly layout: ImageLayout;
  readonly name: string;
  readonly description: string;
  readonly pixelWidth: number;
  readonly pixelHeight: number;
  /** Temperature 1 and CFG 5 (the reference, or generation_config.json's `guidance_scale`), top-k 1000. */
  readonly recommendedSampling: RecommendedSampling;
  /** Janus' own `openSession`: its sessions reach the decoder directly. */
  readonly openSession: (options: OpenSessionOptions) => Promise<LogitsSession>;
  /** Janus' own `relativeCost`. */
  readonly relativeCost: (blockLength: number) => number;

  constructor(
    readonly janus: JanusImageModel,
    info: JanusFolderInfo,
  ) {
    this.providerId = janus.providerId;
    this.vocabSize = janus.vocabSize;
    this.promptVocabSize = janus.promptVocabSize;
    this.layout = janus.layout;
    this.name = info.name;
    this.pixelWidth = info.pixelWidth;
    this.pixelHeight = info.pixelHeight;
    const { imageCodes, imageTokens } = janus.config;
    this.description = `Janus (multi_modality, transformers.js layout): ${imageTokens} image tokens of ${imageCodes} codes, ${info.pixelWidth}×${info.pixelHeight} px`;
    this.recommendedSampling = {
      temperature: 1,
      topK: Math.min(JANUS_TOP_K, imageCodes),
      topP: 1,
      cfgScale: janus.defaultCfgScale ?? REFERENCE_CFG_SCALE,
    };
    this.openSession = janus.openSession.bind(janus);
    this.relativeCost = janus.relativeCost.bind(janus);
  }

  /** The caption with surrounding space dropped and runs of spaces collapsed; the tokenizer reads any text. */
  prepareCaption(caption: string): string {
    return typeof caption === 'string' ? caption.trim().replace(/\s+/g, ' ') : caption;
  }

  /** Both CFG rows: the chat-templated prompt and its text replaced by the pad id. */
  encodePrompt(caption: string): EncodedPrompt {
    if (typeof caption !== 'string' || caption.trim() === '') {
      throw new InvalidArgumentError({
        field: 'prompt',
        allowed: 'a non-empty caption (any text: the tokenizer reads it all)',
        received: caption,
      });
    }
    const { prompt, unconditionalPrompt } = this.janus.encodePrompt(caption);
    return { conditional: prompt, unconditional: unconditionalPrompt };
  }

  /** Codes → RGB bytes through `image_decode`, `pixelWidth × pixelHeight × 3`. */
  async decodeImage(codes: Int32Array): Promise<Uint8Array> {
    const image = await this.janus.decodeImage(codes);
    if (image.width !== this.pixelWidth || image.height !== this.pixelHeight) {
      throw new Error(
        `image_decode gave ${image.width}×${image.height} px, but the folder says ${this.pixelWidth}×${this.pixelHeight} (preprocessor_config.json image_size)`,
      );
    }
    return image.rgb;
  }

  get activeSessions(): number {
    return this.janus.activeSessions;
  }

  release(): Promise<void> {
    return this.janus.release();
  }
}
