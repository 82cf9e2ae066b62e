import type { EncodedPrompt, LogitsProvider } from '@sjd/core';

/** A model's recommended sampling settings, every field set. */
export interface RecommendedSampling {
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly cfgScale: number;
}

/**
 * A loaded text-to-image model of any family: a `LogitsProvider` (the decoding loop's only
 * view of it) that also turns a caption into prompt ids and image codes into pixels. What
 * differs between families — ids or embeddings as the decoder's input, which head gives
 * the logits, how the prompt and its unconditional row are built, how codes become pixels,
 * how a caption is canonicalised — lives behind these members, so `generateImage`, the
 * CLI, the server and the playground are written once for every family.
 */
export interface ImageModel extends LogitsProvider {
  /** The family that loaded it (its `ModelFamily` id), e.g. `sjd-model`. */
  readonly family: string;
  /** The model's name, e.g. `shapes-v2`; a server tells its models apart by it. */
  readonly name: string;
  /** One line about the model. */
  readonly description: string;
  /** Width and height of a decoded image in pixels. */
  readonly pixelWidth: number;
  readonly pixelHeight: number;
  /** The sampling settings the model's authors recommend. */
  readonly recommendedSampling: RecommendedSampling;
  /**
   * Optional: the words the prompt encoder knows and the most it reads, for models with a
   * closed vocabulary (servers list them); absent for an open-vocabulary tokenizer.
   */
  readonly promptVocabulary?: { readonly words: readonly string[]; readonly maxWords: number };
  /**
   * The caption as the model wants it: surrounding space and trailing `.!?` dropped, runs
   * of spaces collapsed, and whatever canonical form the model was trained on (e.g. the
   * shapes models' reading order). Idempotent; words it does not know are left for
   * {@link encodePrompt} to report. An open-vocabulary model (Janus) only trims and
   * collapses spaces: its tokenizer reads punctuation as the reference does.
   */
  prepareCaption(caption: string): string;
  /**
   * Prompt ids for both rows of classifier-free guidance (conditional first). The caption
   * should have passed {@link prepareCaption}. A caption the model cannot read throws an
   * `InvalidArgumentError` on field `prompt` saying what is allowed.
   */
  encodePrompt(caption: string): EncodedPrompt;
  /** Image codes (raster order, `0 … layout.imageTokens.count − 1`) → RGB bytes, `pixelWidth × pixelHeight × 3`. */
  decodeImage(codes: Int32Array): Promise<Uint8Array>;
  /** Provider sessions currently open (for leak checks). */
  readonly activeSessions: number;
  /** Frees the model's runtime memory (every inference session). */
  release(): Promise<void>;
}
