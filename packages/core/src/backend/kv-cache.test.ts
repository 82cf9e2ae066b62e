import { describe, expect, it } from 'vitest';
import { KvCache } from './kv-cache.js';

/** A cache with 1 layer, 2 rows, 1 head, head size 2; slot s of row r holds [r, s]. */
function filled(slots: number): KvCache {
  const cache = new KvCache(2, 1, 1, 2);
  const tensor = () => {
    const t = new Float32Array(2 * slots * 2);
    for (let r = 0; r < 2; r++) for (let s = 0; s < slots; s++) t.set([r, s], (r * slots + s) * 2);
    return t;
  };
  cache.append([tensor(), tensor()], slots, [new Array(slots).fill(1), new Array(slots).fill(1)]);
  return cache;
}

const slotsOf = (cache: KvCache, row: number) =>
  Array.from({ length: cache.slots }, (_, s) => cache.tensors[0]![(row * cache.slots + s) * 2 + 1]);

describe('KvCache', () => {
  it('trim cuts every row back to the committed length', () => {
    const cache = filled(6);
    cache.truncate(4, 'trim');
    expect(cache.slots).toBe(4);
    expect(cache.length).toBe(4);
    expect(slotsOf(cache, 0)).toEqual([0, 1, 2, 3]);
    expect(slotsOf(cache, 1)).toEqual([0, 1, 2, 3]);
    expect(cache.nextPosition(1)).toBe(4);
  });

  it('mask keeps the slots but stops attending to them; positions continue from the committed length', () => {
    const cache = filled(6);
    cache.truncate(4, 'mask');
    expect(cache.slots).toBe(6);
    expect(cache.length).toBe(4);
    expect(cache.attend[0]).toEqual([1, 1, 1, 1, 0, 0]);
    expect(cache.nextPosition(0)).toBe(4);
    cache.compact();
    expect(cache.slots).toBe(4);
    expect(slotsOf(cache, 1)).toEqual([0, 1, 2, 3]);
  });

  it('padding slots count in the length but are not attended', () => {
    const cache = new KvCache(1, 1, 1, 1);
    cache.append([new Float32Array(3), new Float32Array(3)], 3, [[0, 1, 1]]);
    expect(cache.length).toBe(3);
    expect(cache.nextPosition(0)).toBe(2);
  });

  it('holding rows of a merged batch, it views them without a copy and truncation only masks', () => {
    // A batch of 3 rows, 1 head, 4 slots, head size 2; this cache's 2 rows are rows 1 and 2.
    const merged = Float32Array.from({ length: 3 * 4 * 2 }, (_, i) => i);
    const batch = { tensors: [merged, merged], rows: 3 };
    const cache = new KvCache(2, 1, 1, 2);
    cache.adopt(
      batch,
      1,
      4,
      [0, 1, 1, 1],
      [
        [0, 1, 1, 1],
        [0, 0, 1, 1],
      ],
    );
    expect(cache.tensors[0]!.buffer).toBe(merged.buffer);
    expect(cache.tensors[0]![0]).toBe(8);
    expect(cache.length).toBe(3);
    expect(cache.nextPosition(1)).toBe(2);
    cache.truncate(2, 'trim');
    expect(cache.slots).toBe(4);
    expect(cache.tensors[0]!.buffer).toBe(merged.buffer);
    expect(cache.live).toEqual([0, 1, 1, 0]);
    expect(cache.attend[1]).toEqual([0, 0, 1, 0]);
    cache.append([new Float32Array(2 * 5 * 2), new Float32Array(2 * 5 * 2)], 1, [[1], [1]]);
    expect(cache.shared).toBeNull();
  });

  it('adoptRows copies only the last live slots between rows, swaps included', () => {
    const cache = filled(6);
    // Mask the last slot: the last 2 live slots are then 3 and 4.
    cache.truncate(5, 'mask');
    cache.adoptRows([1, 0], 2);
    expect(slotsOf(cache, 0)).toEqual([0, 1, 2, 3, 4, 5]);
    const rowOf = (row: number) =>
      Array.from({ length: 6 }, (_, s) => cache.tensors[1]![(row * 6 + s) * 2]);
    expect(rowOf(0)).toEqual([0, 0, 0, 1, 1, 0]);
    expect(rowOf(1)).toEqual([1, 1, 1, 0, 0, 1]);
    expect(cache.length).toBe(5);
    expect(() => cache.adoptRows([0, 2], 1)).toThrow(RangeError);
    expect(() => cache.adoptRows([0, 0], 6)).toThrow(RangeError);
  });

  it('adoptRows writes in place into a merged batch view, only its own rows', () => {
    // A batch of 3 rows, 1 head, 2 slots, head size 1; this cache holds rows 1 and 2.
    const merged = Float32Array.of(10, 11, 20, 21, 30, 31);
    const cache = new KvCache(2, 1, 1, 1);
    cache.adopt(
      { tensors: [merged, merged], rows: 3 },
      1,
      2,
      [1, 1],
      [
        [1, 1],
        [1, 1],
      ],
    );
    cache.adoptRows([1, 1], 1);
    expect([...merged]).toEqual([10, 11, 20, 31, 30, 31]);
    expect(cache.shared).not.toBeNull();
  });

  it('refuses to grow by truncation', () => {
    expect(() => filled(3).truncate(5, 'trim')).toThrow(RangeError);
  });
});
