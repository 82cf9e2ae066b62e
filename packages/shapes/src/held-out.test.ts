import { describe, expect, it } from 'vitest';
import { sceneToCaption } from './caption.js';
import { COLOURS, KINDS, SIZES } from './grammar.js';
import { fnv1a32, HELD_OUT_COUNT, heldOutCaptions, isHeldOut } from './held-out.js';
import { parseCaption } from './parse-caption.js';

describe('held-out captions', () => {
  it('hashes with standard 32-bit FNV-1a', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('holds out roughly a tenth of all one-shape captions', () => {
    let held = 0;
    for (const kind of KINDS)
      for (const colour of COLOURS)
        for (const size of SIZES)
          for (let cell = 0; cell < 9; cell++)
            if (isHeldOut(sceneToCaption({ shapes: [{ kind, colour, size, cell }] }))) held++;
    expect(held).toBeGreaterThanOrEqual(40);
    expect(held).toBeLessThan(70);
  });

  it('lists 200 distinct held-out captions, 40 / 80 / 80 with 1 / 2 / 3 shapes, deterministically', () => {
    const list = heldOutCaptions();
    expect(list.length).toBe(HELD_OUT_COUNT);
    expect(new Set(list).size).toBe(HELD_OUT_COUNT);
    for (const c of list) expect(isHeldOut(c)).toBe(true);
    const counts = [0, 0, 0, 0];
    for (const c of list) counts[parseCaption(c).shapes.length]!++;
    expect(counts).toEqual([0, 40, 80, 80]);
    // Pinned: the list is part of the evaluation protocol; changing it changes every metric.
    expect(list[0]).toBe('a large orange circle at the top');
    expect(fnv1a32(list.join('\n'))).toMatchInlineSnapshot(`2193514991`);
  });
});
