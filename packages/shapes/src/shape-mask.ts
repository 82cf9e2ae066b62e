import { CELL_CENTRES, GRID, KINDS, type Kind, SIZE_PIXELS, SIZES, type Size } from './grammar.js';

/**
 * The pixels one shape covers, as offsets from the cell centre (the centre is a pixel
 * corner, so offsets `dx` run over `-r .. r-1`). Flat rasterisation, no antialiasing:
 * a pixel is in when its centre is inside the ideal shape.
 */
export interface ShapeMask {
  readonly kind: Kind;
  readonly size: Size;
  /** x offsets of the covered pixels. */
  readonly dx: Int8Array;
  /** y offsets of the covered pixels (same length as `dx`). */
  readonly dy: Int8Array;
  /** Number of covered pixels. */
  readonly area: number;
}

/** Whether the point (px, py), relative to the shape centre, lies inside the ideal shape. */
export function insideShape(kind: Kind, extent: number, px: number, py: number): boolean {
  const r = extent / 2;
  switch (kind) {
    case 'square':
      return Math.abs(px) <= r && Math.abs(py) <= r;
    case 'circle':
      return px * px + py * py <= r * r;
    case 'diamond':
      return Math.abs(px) + Math.abs(py) <= r;
    case 'triangle': {
      // Apex up at (0, -r), base along y = +r, base width = extent, height = extent.
      if (py < -r || py > r) return false;
      const halfWidth = ((py + r) / extent) * r;
      return Math.abs(px) <= halfWidth;
    }
  }
}

function buildMask(kind: Kind, size: Size): ShapeMask {
  const extent = SIZE_PIXELS[size];
  const r = Math.ceil(extent / 2) + 1;
  const dx: number[] = [];
  const dy: number[] = [];
  for (let y = -r; y < r; y++) {
    for (let x = -r; x < r; x++) {
      if (insideShape(kind, extent, x + 0.5, y + 0.5)) {
        dx.push(x);
        dy.push(y);
      }
    }
  }
  return { kind, size, dx: Int8Array.from(dx), dy: Int8Array.from(dy), area: dx.length };
}

const MASKS: ReadonlyMap<string, ShapeMask> = new Map(
  KINDS.flatMap((kind) => SIZES.map((size) => [`${kind}/${size}`, buildMask(kind, size)] as const)),
);

/** The (cached) pixel mask of a kind at a size. */
export function shapeMask(kind: Kind, size: Size): ShapeMask {
  return MASKS.get(`${kind}/${size}`)!;
}

/** Pixel coordinates `[x, y]` of the centre of a cell (a pixel corner). */
export function cellCentre(cell: number): readonly [number, number] {
  const x = CELL_CENTRES[cell % GRID];
  const y = CELL_CENTRES[Math.floor(cell / GRID)];
  if (x === undefined || y === undefined || cell < 0) throw new RangeError(`no cell ${cell}`);
  return [x, y];
}
