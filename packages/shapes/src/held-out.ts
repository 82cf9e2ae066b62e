import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { sceneToCaption } from './caption.js';
import { sampleScene } from './sample-scene.js';

/** Captions whose FNV-1a hash is `0` modulo this number are held out (about 10%). */
export const HELD_OUT_MODULUS = 10;

/** How many held-out evaluation captions {@link heldOutCaptions} returns. */
export const HELD_OUT_COUNT = 200;

/** Seed of the generator that picks the fixed held-out evaluation list. */
export const HELD_OUT_LIST_SEED = 20251127;

/**
 * 32-bit FNV-1a hash of a string's UTF-16 code units (captions are ASCII, so this equals
 * FNV-1a over the UTF-8 bytes). Python: `h = 0x811c9dc5; for b in s.encode(): h = ((h ^ b) * 0x01000193) & 0xffffffff`.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The held-out rule: a caption is held out when `fnv1a32(caption) % 10 === 0`, computed on
 * the exact caption string the grammar produces. Training data never contains such a caption.
 */
export function isHeldOut(caption: string): boolean {
  return fnv1a32(caption) % HELD_OUT_MODULUS === 0;
}

/** Shape count of held-out list entry `i`: the pattern 1,2,3,2,3 repeats (40 / 80 / 80 of 200). */
function shapeCountAt(i: number): number {
  return [1, 2, 3, 2, 3][i % 5]!;
}

let cached: readonly string[] | undefined;

/**
 * The fixed list of 200 held-out evaluation captions: deterministic (a generator seeded
 * with {@link HELD_OUT_LIST_SEED}), distinct, every one held out by {@link isHeldOut}, with
 * 40 one-shape, 80 two-shape and 80 three-shape captions interleaved (1,2,3,2,3,...), so any
 * prefix is a balanced mix.
 */
export function heldOutCaptions(): readonly string[] {
  if (cached) return cached;
  const rng = xoroshiro128plus(HELD_OUT_LIST_SEED);
  const seen = new Set<string>();
  const list: string[] = [];
  for (let i = 0; i < HELD_OUT_COUNT; i++) {
    const count = shapeCountAt(i);
    for (let attempt = 0; ; attempt++) {
      if (attempt > 1_000_000) {
        throw new Error(`too few held-out captions with ${count} shape(s) for the list`);
      }
      const caption = sceneToCaption(sampleScene(rng, count));
      if (isHeldOut(caption) && !seen.has(caption)) {
        seen.add(caption);
        list.push(caption);
        break;
      }
    }
  }
  cached = Object.freeze(list);
  return cached;
}
