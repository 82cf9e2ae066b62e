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
 * Every pixel is read as a blend `bg + alpha * (colour - bg)` of the background with the
 * palette colour whose blend line it lies closest to; it is foreground when
 * `alpha >= FOREGROUND_COVERAGE`. Half coverage keeps the area of a blurred or antialiased
 * shape close to the area of its sharp original (the 0.5 contour is where the edge was).
 * Every palette colour is more than 220 from the background, so noise of ±24 per channel
 * moves `alpha` by less than 0.2.
 */
export const FOREGROUND_COVERAGE = 0.5;

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
/** Each palette colour minus the background, and that vector's squared length. */
const LINES = COLOURS.map((c) => {
  const [r, g, b] = PALETTE[c];
  const v = [r - BG_R, g - BG_G, b - BG_B] as const;
  return { v, norm2: v[0] * v[0] + v[1] * v[1] + v[2] * v[2] };
});

/**
 * Below this coverage a pixel adds nothing to the soft mask that templates are matched
 * against (keeps background noise out of the union).
 */
const SOFT_FLOOR = 0.25;

/** Per pixel: the palette colour whose blend line is nearest, and the coverage `alpha` on it. */
interface Coverage {
  readonly colour: Int8Array;
  readonly alpha: Float32Array;
}

function pixelCoverage(rgb: Uint8Array): Coverage {
  if (rgb.length !== IMAGE_BYTES) {
    throw new RangeError(`image has ${rgb.length} bytes, expected ${IMAGE_BYTES}`);
  }
  const colour = new Int8Array(IMAGE_SIZE * IMAGE_SIZE);
  const alphas = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  for (let p = 0; p < colour.length; p++) {
    const wr = rgb[p * 3]! - BG_R;
    const wg = rgb[p * 3 + 1]! - BG_G;
    const wb = rgb[p * 3 + 2]! - BG_B;
    const w2 = wr * wr + wg * wg + wb * wb;
    let best = 0;
    let bestResidual = Number.POSITIVE_INFINITY;
    let bestAlpha = 0;
    for (let c = 0; c < LINES.length; c++) {
      const { v, norm2 } = LINES[c]!;
      const dot = wr * v[0] + wg * v[1] + wb * v[2];
      // Distance from the segment bg..colour: project, clamp alpha to 0..1.
      const alpha = Math.min(1, Math.max(0, dot / norm2));
      const residual = w2 - 2 * alpha * dot + alpha * alpha * norm2;
      if (residual < bestResidual) {
        bestResidual = residual;
        best = c;
        bestAlpha = alpha;
      }
    }
    colour[p] = best;
    alphas[p] = bestAlpha;
  }
  return { colour, alpha: alphas };
}

/**
 * Nearest palette colour index of every foreground pixel of an image, -1 for background
 * (see {@link FOREGROUND_COVERAGE}). Exported for diagnostics and tests.
 */
export function classifyPixels(rgb: Uint8Array): Int8Array {
  const { colour, alpha } = pixelCoverage(rgb);
  return colour.map((c, p) => (alpha[p]! >= FOREGROUND_COVERAGE ? c : -1));
}

/**
 * Finds the shape in each cell of a 64x64 RGB image (uint8, HWC). Robust to the noise of a
 * VQ round trip: per cell, the foreground pixels (at least half covered, see
 * {@link FOREGROUND_COVERAGE}) vote for their nearest palette colour; the majority colour's pixels are the shape, unless there are
 * fewer than {@link MIN_SHAPE_PIXELS} (specks are ignored). The kind is that of the rendered
 * template (any kind, either size, aligned by centroid, ±1 px search) with the highest
 * intersection over union; the size compares the area with the midpoint between that
 * kind's small and large areas. Returns the shapes in raster order of their cells.
 */
export function detectShapes(rgb: Uint8Array): DetectedShape[] {
  const coverage = pixelCoverage(rgb);
  const labels = coverage.colour.map((c, p) =>
    coverage.alpha[p]! >= FOREGROUND_COVERAGE ? c : -1,
  );
  const found: DetectedShape[] = [];
  const mask = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
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
    // Soft mask: the coverage of the majority colour, for pixels on its blend line.
    let mass = 0;
    let sx = 0;
    let sy = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const p = y * IMAGE_SIZE + x;
        const a = coverage.alpha[p]!;
        if (coverage.colour[p] === colourIndex && a >= SOFT_FLOOR) {
          mask[p] = a;
          mass += a;
          sx += a * (x + 0.5);
          sy += a * (y + 0.5);
        }
      }
    }
    const [ccx, ccy] = cellCentre(cell);
    const { template, iou } = bestTemplate(mask, mass, sx / mass - ccx, sy / mass - ccy, ccx, ccy);
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

/** The template with the highest (soft) IoU against `mask`, centroids aligned, searched ±1 px. */
function bestTemplate(
  mask: Float32Array,
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
