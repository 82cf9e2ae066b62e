import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sceneToCaption } from './caption.js';
import { datasetScenes, writeDataset } from './dataset.js';
import { evaluateImage } from './evaluate.js';
import {
  BACKGROUND_GREYS,
  CAPTION_LENGTH,
  IMAGE_BYTES,
  POSITION_PHRASES,
  TEXT_START,
  WORDS,
} from './grammar.js';
import { heldOutCaptions, isHeldOut } from './held-out.js';
import { parseCaption } from './parse-caption.js';
import { renderScene } from './render.js';
import { decodeCaption } from './tokenize.js';

const root = mkdtempSync(join(tmpdir(), 'sjd-shapes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function read(dir: string) {
  const file = (name: string) => readFileSync(join(dir, name));
  return {
    meta: JSON.parse(file('meta.json').toString('utf8')),
    images: file('images.u8'),
    ids: file('captions.i32'),
    lines: file('captions.txt').toString('utf8').split('\n'),
  };
}

describe('writeDataset', () => {
  const count = 3000;
  writeDataset({ out: join(root, 'a'), count, seed: 42, split: 'train' });
  writeDataset({ out: join(root, 'b'), count, seed: 42, split: 'train' });
  writeDataset({ out: join(root, 'c'), count, seed: 43, split: 'train' });
  const a = read(join(root, 'a'));

  it('writes the same bytes for the same seed, other bytes for another seed', () => {
    const b = read(join(root, 'b'));
    const c = read(join(root, 'c'));
    expect(Buffer.compare(a.images, b.images)).toBe(0);
    expect(Buffer.compare(a.ids, b.ids)).toBe(0);
    expect(a.lines).toEqual(b.lines);
    expect(Buffer.compare(a.images, c.images)).not.toBe(0);
  });

  it('writes meta.json exactly as the trainer expects', () => {
    expect(a.meta).toEqual({
      count,
      seed: 42,
      split: 'train',
      imageSize: 64,
      channels: 3,
      captionLength: 28,
      special: { pad: 0, bos: 1, boi: 2, eoi: 3 },
      textStart: 4,
      words: [...WORDS],
      clauseOrder: { joiner: 'and', byEnding: [...POSITION_PHRASES] },
    });
  });

  it('writes images, int32 LE ids and text that agree with each other', () => {
    const examples = datasetScenes('train', 42);
    expect(a.images.length).toBe(count * IMAGE_BYTES);
    expect(a.ids.length).toBe(count * CAPTION_LENGTH * 4);
    expect(a.lines.length).toBe(count + 1);
    expect(a.lines[count]).toBe('');
    for (let i = 0; i < count; i++) {
      const ids = Array.from({ length: CAPTION_LENGTH }, (_, k) =>
        a.ids.readInt32LE((i * CAPTION_LENGTH + k) * 4),
      );
      const caption = a.lines[i]!;
      expect(caption.split(' ').length).toBeLessThanOrEqual(CAPTION_LENGTH);
      expect(decodeCaption(ids)).toBe(caption);
      expect(ids[0]).toBe(TEXT_START + WORDS.indexOf('a'));
      const n = caption.split(' ').length;
      expect(ids.slice(n).every((id) => id === 0)).toBe(true);
      const { scene, appearance } = examples.next().value;
      expect(sceneToCaption(scene)).toBe(caption);
      if (i % 50 === 0) {
        const image = a.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
        expect(Buffer.compare(image, renderScene(scene, undefined, 0, appearance))).toBe(0);
        expect(evaluateImage(image, caption).holds).toBe(true);
      }
    }
  });

  it('never writes a held-out caption into train, and shows every shape count', () => {
    const held = new Set(heldOutCaptions());
    const shapeCounts = new Set<number>();
    for (const line of a.lines.slice(0, count)) {
      expect(isHeldOut(line)).toBe(false);
      expect(held.has(line)).toBe(false);
      shapeCounts.add(line.split(' and ').length);
    }
    expect([...shapeCounts].sort()).toEqual([1, 2, 3]);
  });

  it('writes the held-out list, cycled, rendered from the captions with varied appearances', () => {
    writeDataset({ out: join(root, 'h'), count: 250, seed: 1, split: 'heldout' });
    const h = read(join(root, 'h'));
    const list = heldOutCaptions();
    const examples = datasetScenes('heldout', 1);
    const greys = new Set<number>();
    let moved = 0;
    expect(h.meta.split).toBe('heldout');
    for (let i = 0; i < 250; i++) {
      const caption = list[i % list.length]!;
      expect(h.lines[i]).toBe(caption);
      const image = h.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
      const { scene, appearance } = examples.next().value;
      expect(scene).toEqual(parseCaption(caption));
      expect(Buffer.compare(image, renderScene(scene, undefined, 0, appearance))).toBe(0);
      greys.add(image[0]!);
      if (appearance.offsets.some(([dx, dy]) => dx !== 0 || dy !== 0)) moved++;
    }
    // The caption-independent variation is really there: every background grey, most scenes moved.
    expect([...greys].sort()).toEqual([...BACKGROUND_GREYS].sort());
    expect(moved).toBeGreaterThan(200);
  });

  it('rejects bad options with a typed error', () => {
    expect(() =>
      writeDataset({ out: join(root, 'x'), count: -1, seed: 1, split: 'train' }),
    ).toThrowError(expect.objectContaining({ name: 'DatasetOptionsError' }));
    expect(() =>
      writeDataset({ out: join(root, 'x'), count: 1, seed: 1, split: 'test' as 'train' }),
    ).toThrowError(/split/);
  });
});
