import { type DetectedShape, detectShapes } from './detect-shapes.js';
import type { Scene, Shape } from './grammar.js';
import { parseCaption } from './parse-caption.js';

/** The verdict on one stated shape. `size` and `kind` judge whatever shape fills the stated cell, whatever its colour. */
export interface ShapeVerdict {
  /** The shape the caption states. */
  readonly stated: Shape;
  /** The shape found in the stated cell, if any. */
  readonly found: DetectedShape | undefined;
  /** A shape of the stated colour is in the stated cell. */
  readonly colourPosition: boolean;
  /** The shape in the stated cell has the stated size. */
  readonly size: boolean;
  /** The shape in the stated cell has the stated kind. */
  readonly kind: boolean;
}

/** The verdict on one image against its caption. */
export interface ImageVerdict {
  /** The scene the caption states. */
  readonly stated: Scene;
  /** Every shape found in the image, raster order. */
  readonly detected: readonly DetectedShape[];
  /** One verdict per stated shape, raster order. */
  readonly shapes: readonly ShapeVerdict[];
  /** The image holds exactly as many shapes as stated (no extra shape in another cell). */
  readonly count: boolean;
  /** Every attribute of every stated shape holds, and the count holds. */
  readonly holds: boolean;
}

/**
 * Judges a generated 64x64 RGB image (uint8, HWC) against a caption (text, parsed with
 * {@link parseCaption}, which throws `CaptionParseError` for words outside the grammar) or
 * an already parsed scene. See {@link detectShapes} for how shapes are found.
 */
export function evaluateImage(rgb: Uint8Array, caption: string | Scene): ImageVerdict {
  const stated = typeof caption === 'string' ? parseCaption(caption) : caption;
  const detected = detectShapes(rgb);
  const byCell = new Map(detected.map((d) => [d.cell, d]));
  const shapes = stated.shapes.map((s): ShapeVerdict => {
    const found = byCell.get(s.cell);
    return {
      stated: s,
      found,
      colourPosition: found?.colour === s.colour,
      size: found?.size === s.size,
      kind: found?.kind === s.kind,
    };
  });
  const count = detected.length === stated.shapes.length;
  const holds = count && shapes.every((v) => v.colourPosition && v.size && v.kind);
  return { stated, detected, shapes, count, holds };
}

/** Rates in 0..1 of each attribute: over stated shapes, except `count`, which is over images. */
export interface AttributeRates {
  readonly colourPosition: number;
  readonly size: number;
  readonly kind: number;
  readonly count: number;
}

/** Summary of many verdicts. */
export interface Adherence {
  /** Number of images judged. */
  readonly count: number;
  /** Fraction of images whose caption fully holds. */
  readonly adherence: number;
  /** Fraction of stated shapes with each attribute right (images, for `count`). */
  readonly perAttribute: AttributeRates;
}

/** Aggregates verdicts into the adherence rate and per-attribute rates (all 0 for no images). */
export function adherence(results: readonly ImageVerdict[]): Adherence {
  let holds = 0;
  let counts = 0;
  let shapes = 0;
  let colourPosition = 0;
  let size = 0;
  let kind = 0;
  for (const r of results) {
    if (r.holds) holds++;
    if (r.count) counts++;
    for (const s of r.shapes) {
      shapes++;
      if (s.colourPosition) colourPosition++;
      if (s.size) size++;
      if (s.kind) kind++;
    }
  }
  const rate = (k: number, n: number) => (n === 0 ? 0 : k / n);
  return {
    count: results.length,
    adherence: rate(holds, results.length),
    perAttribute: {
      colourPosition: rate(colourPosition, shapes),
      size: rate(size, shapes),
      kind: rate(kind, shapes),
      count: rate(counts, results.length),
    },
  };
}
