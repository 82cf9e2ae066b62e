import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { sceneToCaption } from './caption.js';
import {
  CAPTION_LENGTH,
  CELL_BOUNDS,
  CELL_COUNT,
  COLOURS,
  IMAGE_SIZE,
  KINDS,
  PALETTE,
  SIZE_PIXELS,
  SIZES,
  TEXT_START,
  WORD_IDS,
  WORDS,
} from './grammar.js';
import { sampleScene } from './sample-scene.js';
import { cellCentre, shapeMask } from './shape-mask.js';
import { decodeCaption, encodeCaption } from './tokenize.js';

describe('grammar', () => {
  it('has a sorted, duplicate-free vocabulary with ids from TEXT_START', () => {
    expect([...WORDS].sort()).toEqual(WORDS);
    expect(new Set(WORDS).size).toBe(WORDS.length);
    expect(WORDS).toEqual([
      'a',
      'and',
      'at',
      'blue',
      'bottom',
      'centre',
      'circle',
      'diamond',
      'green',
      'in',
      'large',
      'left',
      'on',
      'orange',
      'purple',
      'red',
      'right',
      'small',
      'square',
      'the',
      'top',
      'triangle',
      'yellow',
    ]);
    expect(WORD_IDS.get('a')).toBe(TEXT_START);
  });

  it('keeps every caption within CAPTION_LENGTH words of the vocabulary, the longest included', () => {
    const rng = xoroshiro128plus(5);
    const vocabulary = new Set(WORDS);
    let longestSeen = 0;
    for (let i = 0; i < 3000; i++) {
      const words = sceneToCaption(sampleScene(rng)).split(' ');
      longestSeen = Math.max(longestSeen, words.length);
      const unknown = words.filter((w) => !vocabulary.has(w));
      expect(unknown).toEqual([]);
    }
    expect(longestSeen).toBeLessThanOrEqual(CAPTION_LENGTH);
    const longest = sceneToCaption({
      shapes: [0, 2, 8].map((cell) => ({
        kind: 'triangle',
        colour: 'yellow',
        size: 'large',
        cell,
      })),
    });
    expect(longest.split(' ').length).toBe(26);
  });

  it('encodes and decodes captions with right padding', () => {
    const caption = 'a large red circle at the top left and a small blue triangle in the centre';
    const ids = encodeCaption(caption);
    expect(ids.length).toBe(CAPTION_LENGTH);
    expect(ids[0]).toBe(TEXT_START);
    expect(ids[16]).toBe(0);
    expect(decodeCaption(ids)).toBe(caption);
    expect(() => encodeCaption('a large red blob')).toThrowError(/blob/);
  });

  it('puts every shape of either size strictly inside its cell band', () => {
    for (let cell = 0; cell < CELL_COUNT; cell++) {
      const [cx, cy] = cellCentre(cell);
      const col = cell % 3;
      const row = Math.floor(cell / 3);
      for (const kind of KINDS) {
        for (const size of SIZES) {
          const m = shapeMask(kind, size);
          for (let i = 0; i < m.area; i++) {
            const x = cx + m.dx[i]!;
            const y = cy + m.dy[i]!;
            expect(x).toBeGreaterThanOrEqual(CELL_BOUNDS[col]!);
            expect(x).toBeLessThan(CELL_BOUNDS[col + 1]!);
            expect(y).toBeGreaterThanOrEqual(CELL_BOUNDS[row]!);
            expect(y).toBeLessThan(CELL_BOUNDS[row + 1]!);
            expect(x).toBeLessThan(IMAGE_SIZE);
          }
        }
      }
    }
  });

  it('draws large shapes clearly bigger than small ones, each spanning several 4x4 patches', () => {
    expect(SIZE_PIXELS.small).toBeGreaterThanOrEqual(10); // 2.5 VQ patches across
    for (const kind of KINDS) {
      expect(shapeMask(kind, 'large').area / shapeMask(kind, 'small').area).toBeGreaterThan(2);
    }
    expect(shapeMask('square', 'large').area).toBe(18 * 18);
    const circle = shapeMask('circle', 'large').area / shapeMask('square', 'large').area;
    expect(circle).toBeCloseTo(Math.PI / 4, 1);
  });

  it('has well separated palette colours', () => {
    for (const a of COLOURS) {
      for (const b of COLOURS) {
        if (a === b) continue;
        const d = Math.hypot(...PALETTE[a].map((v, i) => v - PALETTE[b][i]!));
        expect(d).toBeGreaterThan(90);
      }
    }
  });
});
