/**
 * The captioned-shapes world: the single source of truth for every constant the
 * generator, the renderer, the dataset writer, the caption parser and the evaluator use.
 *
 * Everything else in this package derives from the constants below; the Python trainer
 * only sees what the dataset CLI writes (including `meta.json`'s copy of {@link WORDS}).
 */

/** Width and height of every image, in pixels. */
export const IMAGE_SIZE = 64;

/** Colour channels per pixel (RGB, no alpha). */
export const CHANNELS = 3;

/** Bytes in one image: `IMAGE_SIZE * IMAGE_SIZE * CHANNELS`, row-major HWC. */
export const IMAGE_BYTES = IMAGE_SIZE * IMAGE_SIZE * CHANNELS;

/**
 * The reference background colour (near-white): what the evaluator measures coverage
 * against, and what a render without an {@link Appearance} uses. Rendered training images
 * use one of {@link BACKGROUND_GREYS} instead.
 */
export const BACKGROUND: readonly [number, number, number] = [245, 245, 245];

/**
 * Grey levels a scene's background is drawn from, uniformly and independently of the
 * caption (the caption never says which). ±10 from {@link BACKGROUND} moves a pixel's
 * measured coverage of any palette colour by under 0.06, far below the evaluator's 0.5.
 */
export const BACKGROUND_GREYS: readonly number[] = [235, 245, 255];

/**
 * Most pixels a shape's centre may move from its cell centre along either axis, uniformly
 * and independently of the caption. Each draw is further limited so that the shape stays
 * inside its cell's band (see {@link CELL_BOUNDS}), so the caption still holds.
 */
export const MAX_JITTER = 3;

/** Shape kinds, in their canonical order. */
export const KINDS = ['circle', 'square', 'triangle', 'diamond'] as const;
/** One shape kind. */
export type Kind = (typeof KINDS)[number];

/** Colour names, in their canonical order. */
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
/** One colour name. */
export type Colour = (typeof COLOURS)[number];

/** The flat RGB value of each colour: well separated from each other and from {@link BACKGROUND}. */
export const PALETTE: Readonly<Record<Colour, readonly [number, number, number]>> = {
  red: [215, 30, 30],
  green: [30, 160, 50],
  blue: [30, 70, 220],
  yellow: [235, 215, 20],
  purple: [140, 40, 170],
  orange: [250, 120, 0],
};

/** Size names, in their canonical order. */
export const SIZES = ['small', 'large'] as const;
/** One size name. */
export type Size = (typeof SIZES)[number];

/**
 * Extent in pixels (diameter, side, base and height, diagonal) of each size. Small stays at
 * 10 px because the trainer's dataset was generated with it; 12 px measured about five times
 * fewer evaluator kind errors on small shapes under harsh VQ-like noise, should it ever change
 * (every dataset and the model must then be regenerated together).
 */
export const SIZE_PIXELS: Readonly<Record<Size, number>> = { small: 10, large: 18 };

/** Cells per grid side: positions form a 3x3 grid. */
export const GRID = 3;

/** Number of cells (positions); a cell index is `row * GRID + column`, raster order. */
export const CELL_COUNT = GRID * GRID;

/** Pixel coordinate of the cell centres along either axis (column for x, row for y). */
export const CELL_CENTRES: readonly number[] = [11, 32, 53];

/**
 * First pixel (inclusive) of each cell band along either axis, plus the end (exclusive).
 * Band `i` spans pixels `CELL_BOUNDS[i] .. CELL_BOUNDS[i+1]-1`; a shape of either size
 * drawn at the cell's centre lies entirely inside its band.
 */
export const CELL_BOUNDS: readonly number[] = [0, 22, 43, IMAGE_SIZE];

/** Position phrase of each cell, indexed by cell (raster order). */
export const POSITION_PHRASES: readonly string[] = [
  'at the top left',
  'at the top',
  'at the top right',
  'on the left',
  'in the centre',
  'on the right',
  'at the bottom left',
  'at the bottom',
  'at the bottom right',
];

/** Fewest shapes in a scene. */
export const MIN_SHAPES = 1;
/** Most shapes in a scene. */
export const MAX_SHAPES = 3;

/** Words joining the shape phrases of a caption. */
export const JOINER = 'and';

/** The article starting every shape phrase. */
export const ARTICLE = 'a';

/** Caption length in tokens that the model's prompt reserves (captions are right-padded). */
export const CAPTION_LENGTH = 28;

/** Special token ids of the unified vocabulary (see docs/model-contract.md). */
export const SPECIAL_TOKENS = { pad: 0, bos: 1, boi: 2, eoi: 3 } as const;

/** Vocabulary id of `WORDS[0]`; word `i` has id `TEXT_START + i`. */
export const TEXT_START = 4;

/** One shape of a scene. `cell` is the raster index `row * 3 + column`. */
export interface Shape {
  readonly kind: Kind;
  readonly colour: Colour;
  readonly size: Size;
  readonly cell: number;
}

/** A scene: one to three shapes in distinct cells, listed in raster order of their cells. */
export interface Scene {
  readonly shapes: readonly Shape[];
}

/**
 * What a caption leaves open: how a scene looks beyond what its words state. Two images of
 * one caption differ only here, which is what gives a good model's samples their diversity.
 */
export interface Appearance {
  /** Grey level of the background, one of {@link BACKGROUND_GREYS}. */
  readonly background: number;
  /** Per shape of the scene (same order): its centre's offset `[dx, dy]` in pixels from the cell centre. */
  readonly offsets: readonly (readonly [number, number])[];
}

function collectWords(): string[] {
  const words = new Set<string>([ARTICLE, JOINER, ...KINDS, ...COLOURS, ...SIZES]);
  for (const phrase of POSITION_PHRASES) for (const w of phrase.split(' ')) words.add(w);
  // Plain code-unit order (not locale order) so every runtime produces the same list.
  return [...words].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The complete vocabulary of words the grammar can produce, sorted by code units.
 * Word `WORDS[i]` has vocabulary id `TEXT_START + i`. This order is part of the model contract.
 */
export const WORDS: readonly string[] = Object.freeze(collectWords());

/** Vocabulary id of each word. */
export const WORD_IDS: ReadonlyMap<string, number> = new Map(
  WORDS.map((w, i) => [w, TEXT_START + i]),
);
