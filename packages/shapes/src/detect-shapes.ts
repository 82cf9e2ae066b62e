import {
  BACKGROUND,
  CELL_BOUNDS,
  CELL_COUNT,
  COLOURS,
  type Colour,
  GRID,
  IMAGE_BYTES,
  IMAGE_SIZE,
  KINDS,
  type Kind,
  PALETTE,
  SIZES,
  type Size,
} from './grammar.js';
import { cellCentre, shapeMask } from './shape-mask.js';

/**
 * A pixel is foreground when its Euclidean RGB distance from the background exceeds this.
 * Every palette colour is more than 150 away; uniform noise of ±24 per channel stays below 42.
 */
export const FOREGROUND_DISTANCE = 60;

/**
 * A cell holds a shape only when at least this many of its pixels have the cell's majority
 * colour. The smallest shape covers about 50 pixels; fewer are specks (one stray 4x4 VQ patch is 16).
 */
export const MIN_SHAPE_PIXELS = 20;

/** A shape found in one cell of an image. */
export interface DetectedShape {
  /** Cell index (raster order). */
  readonly cell: number;
  /** Majority nearest-palette colour of the cell's foreground pixels. */
  readonly colour: Colour;
  /** Kind of the best-matching template. */
  readonly kind: Kind;
  /** `large` when the area exceeds the midpoint of the kind's small and large areas. */
  readonly size: Size;
  /** Pixels of the majority colour in the cell (the shape's area). */
  readonly area: number;
  /** Intersection over union of the shape with its best template, 0..1 (a confidence). */
  readonly iou: number;
}

/** A rendered template, offsets relative to the cell centre, with its centroid. */
interface Template {
  readonly kind: Kind;
  readonly size: Size;
  readonly dx: Int8Array;
  readonly dy: Int8Array;
  readonly area: number;
  /** Centroid of the template's pixel centres, relative to the cell centre. */
  readonly cx: number;
  readonly cy: number;
}

const TEMPLATES: readonly Template[] = KINDS.flatMap((kind) =>
  SIZES.map((size) => {
    const m = shapeMask(kind, size);
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < m.area; i++) {
      sx += m.dx[i]! + 0.5;
      sy += m.dy[i]! + 0.5;
    }
    return { kind, size, dx: m.dx, dy: m.dy, area: m.area, cx: sx / m.area, cy: sy / m.area };
  }),
);

/** Area threshold between small and large of each kind: midway between the two rendered areas. */
const SIZE_THRESHOLD: Readonly<Record<Kind, number>> = Object.fromEntries(
  KINDS.map((k) => [k, (shapeMask(k, 'small').area + shapeMask(k, 'large').area) / 2]),
) as Record<Kind, number>;

const BG_R = BACKGROUND[0];
const BG_G = BACKGROUND[1];
const BG_B = BACKGROUND[2];
const PALETTE_RGB = COLOURS.map((c) => PALETTE[c]);

/**
 * Nearest palette colour index of every foreground pixel of an image, -1 for background.
 * Exported for diagnostics and tests.
 */
export function classifyPixels(rgb: Uint8Array): Int8Array {
  if (rgb.length !== IMAGE_BYTES) {
    throw new RangeError(`image has ${rgb.length} bytes, expected ${IMAGE_BYTES}`);
  }
  const labels = new Int8Array(IMAGE_SIZE * IMAGE_SIZE);
  const t2 = FOREGROUND_DISTANCE * FOREGROUND_DISTANCE;
  for (let p = 0; p < labels.length; p++) {
    const r = rgb[p * 3]!;
    const g = rgb[p * 3 + 1]!;
    const b = rgb[p * 3 + 2]!;
    const d0 = (r - BG_R) ** 2 + (g - BG_G) ** 2 + (b - BG_B) ** 2;
    if (d0 <= t2) {
      labels[p] = -1;
      continue;
    }
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < PALETTE_RGB.length; c++) {
      const [pr, pg, pb] = PALETTE_RGB[c]!;
      const d = (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    labels[p] = best;
  }
  return labels;
}

/**
 * Finds the shape in each cell of a 64x64 RGB image (uint8, HWC). Robust to the noise of a
 * VQ round trip: per cell, the foreground pixels (far from the background) vote for their
 * nearest palette colour; the majority colour's pixels are the shape, unless there are
 * fewer than {@link MIN_SHAPE_PIXELS} (specks are ignored). The kind is that of the rendered
 * template (any kind, either size, aligned by centroid, ±1 px search) with the highest
 * intersection over union; the size compares the area with the midpoint between that
 * kind's small and large areas. Returns the shapes in raster order of their cells.
 */
export function detectShapes(rgb: Uint8Array): DetectedShape[] {
  const labels = classifyPixels(rgb);
  const found: DetectedShape[] = [];
  const mask = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE);
  for (let cell = 0; cell < CELL_COUNT; cell++) {
    const col = cell % GRID;
    const row = Math.floor(cell / GRID);
    const x0 = CELL_BOUNDS[col]!;
    const x1 = CELL_BOUNDS[col + 1]!;
    const y0 = CELL_BOUNDS[row]!;
    const y1 = CELL_BOUNDS[row + 1]!;
    const votes = new Int32Array(COLOURS.length);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const l = labels[y * IMAGE_SIZE + x]!;
        if (l >= 0) votes[l]!++;
      }
    }
    let colourIndex = 0;
    for (let c = 1; c < votes.length; c++) if (votes[c]! > votes[colourIndex]!) colourIndex = c;
    const area = votes[colourIndex]!;
    if (area < MIN_SHAPE_PIXELS) continue;
    mask.fill(0);
    let sx = 0;
    let sy = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        if (labels[y * IMAGE_SIZE + x] === colourIndex) {
          mask[y * IMAGE_SIZE + x] = 1;
          sx += x + 0.5;
          sy += y + 0.5;
        }
      }
    }
    const [ccx, ccy] = cellCentre(cell);
    const { template, iou } = bestTemplate(mask, area, sx / area - ccx, sy / area - ccy, ccx, ccy);
    found.push({
      cell,
      colour: COLOURS[colourIndex]!,
      kind: template.kind,
      size: area > SIZE_THRESHOLD[template.kind] ? 'large' : 'small',
      area,
      iou,
    });
  }
  return found;
}

/** The template with the highest IoU against `mask`, centroids aligned, searched ±1 px. */
function bestTemplate(
  mask: Uint8Array,
  area: number,
  mx: number,
  my: number,
  ccx: number,
  ccy: number,
): { template: Template; iou: number } {
  let best = TEMPLATES[0]!;
  let bestIou = -1;
  for (const t of TEMPLATES) {
    const ox = Math.round(mx - t.cx);
    const oy = Math.round(my - t.cy);
    for (let ddy = -1; ddy <= 1; ddy++) {
      for (let ddx = -1; ddx <= 1; ddx++) {
        const bx = ccx + ox + ddx;
        const by = ccy + oy + ddy;
        let inter = 0;
        for (let i = 0; i < t.area; i++) {
          const x = bx + t.dx[i]!;
          const y = by + t.dy[i]!;
          if (x >= 0 && x < IMAGE_SIZE && y >= 0 && y < IMAGE_SIZE)
            inter += mask[y * IMAGE_SIZE + x]!;
        }
        const iou = inter / (area + t.area - inter);
        if (iou > bestIou) {
          bestIou = iou;
          best = t;
        }
      }
    }
  }
  return { template: best, iou: bestIou };
}
