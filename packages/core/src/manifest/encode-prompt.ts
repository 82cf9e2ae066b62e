import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { ImageLayout } from '../provider/image-layout.js';
import type { ModelManifest } from './model-manifest.js';

/** The token ids of a caption for both rows of classifier-free guidance. */
export interface EncodedPrompt {
  readonly conditional: Int32Array;
  readonly unconditional: Int32Array;
}

/**
 * Turns a caption into prompt token ids following the manifest's template and word-level
 * tokenizer. An empty caption, an unknown word or too many words throws an
 * `InvalidArgumentError` on field `prompt` that names the word and what is allowed.
 */
export function encodePrompt(manifest: ModelManifest, caption: string): EncodedPrompt {
  if (typeof caption !== 'string' || caption.trim().length === 0) {
    throw new InvalidArgumentError({
      field: 'prompt',
      allowed: 'a non-empty caption',
      received: caption,
    });
  }
  const { textTokenizer, vocabulary, prompt } = manifest;
  const text = textTokenizer.lowercase ? caption.toLowerCase() : caption;
  const words = text.trim().split(/\s+/);
  const index = new Map(textTokenizer.words.map((w, i) => [w, i]));
  const ids = words.map((word) => {
    const i = index.get(word);
    if (i === undefined) {
      throw new InvalidArgumentError({
        field: 'prompt',
        allowed: `words the model knows (${textTokenizer.words.length} of them, e.g. ${textTokenizer.words.slice(0, 8).join(', ')})`,
        received: word,
        message: `Invalid prompt: the model does not know the word ${JSON.stringify(word)}. It knows: ${textTokenizer.words.join(', ')}.`,
      });
    }
    return vocabulary.text.start + i;
  });
  if (ids.length > prompt.captionLength) {
    throw new InvalidArgumentError({
      field: 'prompt',
      allowed: `at most ${prompt.captionLength} words`,
      received: caption,
      message: `Invalid prompt: ${ids.length} words, the model reads at most ${prompt.captionLength}.`,
    });
  }
  const pad = vocabulary.special.pad;
  const caption_ = [...ids, ...new Array<number>(prompt.captionLength - ids.length).fill(pad)];
  const build = (captionIds: number[]) =>
    Int32Array.from(
      prompt.template.flatMap((part) =>
        part === 'caption'
          ? captionIds
          : [part === 'bos' ? vocabulary.special.bos : vocabulary.special.boi],
      ),
    );
  return {
    conditional: build(caption_),
    unconditional: build(new Array<number>(prompt.captionLength).fill(pad)),
  };
}

/** The image layout a manifest describes, for a provider to report. */
export function layoutFromManifest(manifest: ModelManifest): ImageLayout {
  return {
    gridWidth: manifest.image.gridWidth,
    gridHeight: manifest.image.gridHeight,
    imageTokens: { start: manifest.vocabulary.image.start, count: manifest.vocabulary.image.count },
    endOfRowToken: manifest.image.endOfRowToken,
  };
}
