import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { sceneToCaption } from './caption.js';
import { heldOutCaptions } from './held-out.js';
import { CaptionParseError, parseCaption } from './parse-caption.js';
import { sampleScene } from './sample-scene.js';

function parseError(caption: string): CaptionParseError {
  try {
    parseCaption(caption);
  } catch (error) {
    if (error instanceof CaptionParseError) return error;
    throw error;
  }
  throw new Error(`"${caption}" parsed`);
}

describe('parseCaption', () => {
  it('round-trips every caption the generator makes', () => {
    const rng = xoroshiro128plus(11);
    for (let i = 0; i < 5000; i++) {
      const scene = sampleScene(rng);
      const caption = sceneToCaption(scene);
      expect(parseCaption(caption)).toEqual(scene);
    }
    for (const caption of heldOutCaptions())
      expect(sceneToCaption(parseCaption(caption))).toBe(caption);
  });

  it('parses the example caption, ignoring case and extra spaces', () => {
    expect(
      parseCaption('A large red circle at the top left and  a small blue triangle in the centre '),
    ).toEqual({
      shapes: [
        { kind: 'circle', colour: 'red', size: 'large', cell: 0 },
        { kind: 'triangle', colour: 'blue', size: 'small', cell: 4 },
      ],
    });
    // Longest position phrase wins; order in the caption does not matter.
    expect(
      parseCaption(
        'a small red square at the top and a large blue circle at the top left',
      ).shapes.map((s) => s.cell),
    ).toEqual([0, 1]);
  });

  it('names the word that does not fit the grammar', () => {
    const cases: [string, string | undefined, number][] = [
      ['a large pink circle at the top', 'pink', 2],
      ['a huge red circle at the top', 'huge', 1],
      ['a large red blob at the top', 'blob', 3],
      ['the large red circle at the top', 'the', 0],
      ['a large red circle at the middle', 'middle', 6],
      ['a large red circle in the top', 'top', 6],
      ['a large red circle at the top left or a small red circle', 'or', 8],
      ['a large red circle', undefined, 4],
      ['', undefined, 0],
      ['a large red circle at the top and', undefined, 8],
    ];
    for (const [caption, word, index] of cases) {
      const error = parseError(caption);
      expect(error.name).toBe('CaptionParseError');
      expect(error).toBeInstanceOf(Error);
      expect(error.word, caption).toBe(word);
      expect(error.index, caption).toBe(index);
      if (word) expect(error.message).toContain(`"${word}"`);
    }
  });

  it('rejects a position used twice and a fourth shape', () => {
    expect(
      parseError('a large red circle at the top and a small red circle at the top').expected,
    ).toMatch(/not used before/);
    const four = ['at the top', 'on the left', 'in the centre', 'on the right']
      .map((p) => `a small red circle ${p}`)
      .join(' and ');
    expect(parseError(four).message).toMatch(/at most 3/);
  });
});
