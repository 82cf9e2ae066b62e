import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { sampleAppearance } from './appearance.js';
import { sceneToCaption } from './caption.js';
import {
  type Appearance,
  CAPTION_LENGTH,
  CHANNELS,
  IMAGE_BYTES,
  IMAGE_SIZE,
  JOINER,
  POSITION_PHRASES,
  type Scene,
  SPECIAL_TOKENS,
  TEXT_START,
  WORDS,
} from './grammar.js';
import { heldOutCaptions, isHeldOut } from './held-out.js';
import { parseCaption } from './parse-caption.js';
import { renderScene } from './render.js';
import { sampleScene } from './sample-scene.js';
import { encodeCaption } from './tokenize.js';

/** Which captions a dataset holds. */
export type Split = 'train' | 'heldout';

/** Options of {@link writeDataset}. */
export interface DatasetOptions {
  /** Output folder (created if missing). */
  readonly out: string;
  /** Number of images. */
  readonly count: number;
  /** Seed of the scene generator (a 32-bit integer). */
  readonly seed: number;
  /** `train`: random scenes whose caption is not held out; `heldout`: the held-out list, cycled. */
  readonly split: Split;
}

/** Contents of `meta.json`. */
export interface DatasetMeta {
  readonly count: number;
  readonly seed: number;
  readonly split: Split;
  readonly imageSize: number;
  readonly channels: number;
  readonly captionLength: number;
  readonly special: typeof SPECIAL_TOKENS;
  readonly textStart: number;
  readonly words: readonly string[];
  /**
   * How captions order their shapes, for the model's manifest (`prompt.clauseOrder`): clauses
   * joined by {@link JOINER}, in reading order of their cells ({@link POSITION_PHRASES}).
   */
  readonly clauseOrder: { readonly joiner: string; readonly byEnding: readonly string[] };
}

/** Thrown for dataset options that cannot be honoured. */
export class DatasetOptionsError extends Error {
  override readonly name = 'DatasetOptionsError';
}

/** Images rendered per write. */
const CHUNK = 2048;

/** One dataset example before rendering: what the caption states and how it looks. */
export interface DatasetExample {
  readonly scene: Scene;
  readonly appearance: Appearance;
}

/**
 * A deterministic stream of examples for a split: `train` draws scenes from one generator
 * seeded with `seed`, resampling any whose caption is held out; `heldout` parses the
 * held-out captions in order (cycled), so its scenes do not depend on the seed. Either way
 * each scene's appearance (background grey, shape offsets) is then drawn from the same
 * seeded generator.
 */
export function* datasetScenes(
  split: Split,
  seed: number,
): Generator<DatasetExample, never, undefined> {
  const rng = xoroshiro128plus(seed);
  if (split === 'heldout') {
    const scenes = heldOutCaptions().map(parseCaption);
    for (let i = 0; ; i = (i + 1) % scenes.length) {
      const scene = scenes[i]!;
      yield { scene, appearance: sampleAppearance(rng, scene) };
    }
  }
  for (;;) {
    const scene = sampleScene(rng);
    if (!isHeldOut(sceneToCaption(scene)))
      yield { scene, appearance: sampleAppearance(rng, scene) };
  }
}

/**
 * Writes a dataset folder for the Python trainer: `meta.json`, `images.u8` (N×64×64×3 uint8,
 * HWC), `captions.i32` (N×28 int32 little-endian vocabulary ids, right-padded with 0) and
 * `captions.txt` (one caption per line). The same options give the same bytes.
 */
export function writeDataset(options: DatasetOptions): DatasetMeta {
  const { out, count, seed, split } = options;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new DatasetOptionsError(`count must be a non-negative integer, got ${count}`);
  }
  if (!Number.isInteger(seed) || seed < -0x80000000 || seed > 0xffffffff) {
    throw new DatasetOptionsError(`seed must be a 32-bit integer, got ${seed}`);
  }
  if (split !== 'train' && split !== 'heldout') {
    throw new DatasetOptionsError(`split must be train or heldout, got ${String(split)}`);
  }
  mkdirSync(out, { recursive: true });
  const meta: DatasetMeta = {
    count,
    seed,
    split,
    imageSize: IMAGE_SIZE,
    channels: CHANNELS,
    captionLength: CAPTION_LENGTH,
    special: SPECIAL_TOKENS,
    textStart: TEXT_START,
    words: [...WORDS],
    clauseOrder: { joiner: JOINER, byEnding: [...POSITION_PHRASES] },
  };
  const scenes = datasetScenes(split, seed | 0);
  const images = Buffer.alloc(CHUNK * IMAGE_BYTES);
  const ids = new Int32Array(CHUNK * CAPTION_LENGTH);
  const idBytes = Buffer.alloc(ids.byteLength);
  const files = {
    images: openSync(join(out, 'images.u8'), 'w'),
    captions: openSync(join(out, 'captions.i32'), 'w'),
    text: openSync(join(out, 'captions.txt'), 'w'),
  };
  try {
    for (let done = 0; done < count; ) {
      const n = Math.min(CHUNK, count - done);
      const lines: string[] = [];
      for (let i = 0; i < n; i++) {
        const { scene, appearance } = scenes.next().value;
        const caption = sceneToCaption(scene);
        renderScene(scene, images, i * IMAGE_BYTES, appearance);
        encodeCaption(caption, ids, i * CAPTION_LENGTH);
        lines.push(caption);
      }
      // Explicit little-endian, whatever the host's byte order.
      for (let k = 0; k < n * CAPTION_LENGTH; k++) idBytes.writeInt32LE(ids[k]!, k * 4);
      writeAll(files.images, images.subarray(0, n * IMAGE_BYTES));
      writeAll(files.captions, idBytes.subarray(0, n * CAPTION_LENGTH * 4));
      writeAll(files.text, Buffer.from(lines.join('\n') + '\n', 'utf8'));
      done += n;
    }
  } finally {
    closeSync(files.images);
    closeSync(files.captions);
    closeSync(files.text);
  }
  writeFileSync(join(out, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}

function writeAll(fd: number, data: Uint8Array): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written);
}
