import {
  ARTICLE,
  COLOURS,
  type Colour,
  JOINER,
  KINDS,
  type Kind,
  MAX_SHAPES,
  POSITION_PHRASES,
  type Scene,
  type Shape,
  SIZES,
  type Size,
} from './grammar.js';
import { captionWords } from './tokenize.js';

/**
 * Thrown by {@link parseCaption} when a caption does not fit the grammar. `word` is the
 * offending word (`undefined` when the caption ended too early), `index` its position
 * among the caption's words, and `expected` what the grammar allows there.
 */
export class CaptionParseError extends Error {
  override readonly name = 'CaptionParseError';
  constructor(
    message: string,
    readonly word: string | undefined,
    readonly index: number,
    readonly expected: string,
  ) {
    super(message);
  }
}

const POSITION_WORDS = POSITION_PHRASES.map((p) => p.split(' '));

/**
 * Parses a caption of the grammar back into its scene (shapes sorted in raster order of
 * their cells). Case and repeated whitespace are ignored. Throws {@link CaptionParseError}
 * naming the first word that does not fit, or the repeated cell, or a fourth shape.
 */
export function parseCaption(caption: string): Scene {
  const words = captionWords(caption);
  let at = 0;
  const fail = (expected: string): never => {
    const word = words[at];
    const found = word === undefined ? 'the end of the caption' : `"${word}"`;
    throw new CaptionParseError(
      `caption word ${at + 1}: expected ${expected}, found ${found}`,
      word,
      at,
      expected,
    );
  };
  const one = <T extends string>(options: readonly T[], what: string): T => {
    const word = words[at];
    if (word === undefined || !(options as readonly string[]).includes(word)) fail(what);
    at++;
    return word as T;
  };
  const shapes: Shape[] = [];
  const cellsSeen = new Set<number>();
  for (;;) {
    if (shapes.length === MAX_SHAPES) fail('the end of the caption (at most 3 shapes)');
    one([ARTICLE], `"${ARTICLE}"`);
    const size = one<Size>(SIZES, `a size (${SIZES.join(', ')})`);
    const colour = one<Colour>(COLOURS, `a colour (${COLOURS.join(', ')})`);
    const kind = one<Kind>(KINDS, `a kind (${KINDS.join(', ')})`);
    const start = at;
    const cell = matchPosition(words, start);
    if (cell < 0) {
      // Name the first word where no position phrase fits.
      let longest = 0;
      for (const phrase of POSITION_WORDS) {
        let k = 0;
        while (k < phrase.length && phrase[k] === words[start + k]) k++;
        longest = Math.max(longest, k);
      }
      at = start + longest;
      fail(`a position (${POSITION_PHRASES.map((p) => `"${p}"`).join(', ')})`);
    }
    if (cellsSeen.has(cell)) {
      throw new CaptionParseError(
        `caption word ${start + 1}: position "${POSITION_PHRASES[cell]}" is used twice`,
        words[start],
        start,
        'a position not used before',
      );
    }
    cellsSeen.add(cell);
    at = start + POSITION_WORDS[cell]!.length;
    shapes.push({ kind, colour, size, cell });
    if (at === words.length) break;
    one([JOINER], `"${JOINER}" or the end of the caption`);
  }
  shapes.sort((a, b) => a.cell - b.cell);
  return { shapes };
}

/** The cell whose position phrase starts at `words[start]` (longest match), or -1. */
function matchPosition(words: readonly string[], start: number): number {
  let best = -1;
  let bestLength = 0;
  POSITION_WORDS.forEach((phrase, cell) => {
    if (phrase.length <= bestLength) return;
    if (phrase.every((w, k) => words[start + k] === w)) {
      best = cell;
      bestLength = phrase.length;
    }
  });
  return best;
}
