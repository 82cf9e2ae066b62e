import { CAPTION_LENGTH, SPECIAL_TOKENS, TEXT_START, WORD_IDS, WORDS } from './grammar.js';

/** Thrown when a caption has a word outside {@link WORDS} or more than {@link CAPTION_LENGTH} words. */
export class CaptionTokenizeError extends Error {
  override readonly name = 'CaptionTokenizeError';
}

/** Splits a caption into lowercase words (word-level tokenizer: split on whitespace). */
export function captionWords(caption: string): string[] {
  return caption
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

/**
 * Vocabulary ids of a caption, right-padded with `pad` (0) to {@link CAPTION_LENGTH}.
 * Writes into `out` when given (at `offset`), else into a new array.
 */
export function encodeCaption(caption: string, out?: Int32Array, offset = 0): Int32Array {
  const words = captionWords(caption);
  if (words.length > CAPTION_LENGTH) {
    throw new CaptionTokenizeError(
      `caption has ${words.length} words, more than ${CAPTION_LENGTH}: "${caption}"`,
    );
  }
  const target = out ?? new Int32Array(CAPTION_LENGTH);
  target.fill(SPECIAL_TOKENS.pad, offset, offset + CAPTION_LENGTH);
  words.forEach((word, i) => {
    const id = WORD_IDS.get(word);
    if (id === undefined) throw new CaptionTokenizeError(`word "${word}" is not in the vocabulary`);
    target[offset + i] = id;
  });
  return target;
}

/** The caption text of a sequence of vocabulary ids; `pad` ids are skipped. */
export function decodeCaption(ids: ArrayLike<number>): string {
  const words: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === SPECIAL_TOKENS.pad) continue;
    const word = WORDS[id - TEXT_START];
    if (word === undefined) throw new CaptionTokenizeError(`id ${id} is not a word id`);
    words.push(word);
  }
  return words.join(' ');
}
