import { defaultRelativeCost } from '../decoders/adaptive-window.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { LogitsProvider } from './logits-provider.js';

/** One measured forward pass: a block of `blockLength` tokens (two rows) took `ms`. */
export interface CostPoint {
  readonly blockLength: number;
  readonly ms: number;
}

/** What {@link measureCostProfile} reads of a `ModelManifest`. */
export interface CalibrationManifest {
  readonly prompt: { readonly captionLength: number };
  readonly vocabulary: { readonly special: { readonly pad: number } };
}

/** Block lengths {@link measureCostProfile} times. */
export const CALIBRATION_BLOCK_LENGTHS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128];

/**
 * What a forward pass costs by block length, relative to one token: a provider's
 * `relativeCost` (which SJD's automatic window reads). Linear between measured lengths,
 * extrapolated from the last two beyond them; {@link defaultRelativeCost} until measured.
 */
export class CostProfile {
  /** The measured points, by increasing block length (empty: not measured). */
  readonly points: readonly CostPoint[];

  constructor(points: readonly CostPoint[] = []) {
    this.points = [...points].sort((a, b) => a.blockLength - b.blockLength);
  }

  /** Whether this profile was measured (else it is the default guess). */
  get measured(): boolean {
    return this.points.length > 0;
  }

  /** t(n)/t(1) for a forward pass over `n` tokens. */
  relativeCost(n: number): number {
    const points = this.points;
    if (points.length === 0) return defaultRelativeCost(n);
    const base = points[0]!.ms;
    let lower = points[0]!;
    for (const point of points) {
      if (point.blockLength === n) return point.ms / base;
      if (point.blockLength > n) {
        const f = (n - lower.blockLength) / (point.blockLength - lower.blockLength);
        return (lower.ms + f * (point.ms - lower.ms)) / base;
      }
      lower = point;
    }
    const last = points.at(-1)!;
    const previous = points.at(-2) ?? points[0]!;
    const slope = (last.ms - previous.ms) / Math.max(1, last.blockLength - previous.blockLength);
    return (last.ms + slope * (n - last.blockLength)) / base;
  }
}

/**
 * Checks a cost profile given from outside (a saved `sjd calibrate` file, a load option):
 * at least one point, block lengths distinct integers ≥ 1, times finite and > 0. Throws an
 * `InvalidArgumentError` on `field` naming what is wrong.
 */
export function checkCostPoints(value: unknown, field = 'costProfile'): CostPoint[] {
  const allowed =
    'a non-empty array of { blockLength: integer ≥ 1, ms: finite number > 0 }, one point per block length';
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidArgumentError({ field, allowed, received: value });
  }
  const seen = new Set<number>();
  return value.map((point, i) => {
    const { blockLength, ms } = (point ?? {}) as { blockLength?: unknown; ms?: unknown };
    if (
      typeof blockLength !== 'number' ||
      !Number.isInteger(blockLength) ||
      blockLength < 1 ||
      seen.has(blockLength) ||
      typeof ms !== 'number' ||
      !Number.isFinite(ms) ||
      ms <= 0
    ) {
      throw new InvalidArgumentError({ field: `${field}[${i}]`, allowed, received: point });
    }
    seen.add(blockLength);
    return { blockLength, ms };
  });
}

/**
 * Times the provider's forward passes over blocks of 1 … 128 image tokens, two rows (as with
 * CFG), after a context of the prompt plus half an image: a cost ratio taken after the
 * prompt alone overstates what long blocks cost in the middle of an image, where every block
 * also attends to the cache. Per length, the fastest of five after one untimed pass (the
 * first pass at a new shape pays for allocation); a longer block is never recorded as
 * cheaper than a shorter one, so timing noise cannot make the profile dip. Call it between
 * generations, not during one.
 */
export async function measureCostProfile(
  provider: LogitsProvider,
  manifest: CalibrationManifest,
): Promise<CostProfile> {
  const { layout } = provider;
  const captionSlots = manifest.prompt.captionLength + 1;
  const prefix = new Int32Array(
    captionSlots + Math.floor((layout.gridWidth * layout.gridHeight) / 2),
  ).fill(layout.imageTokens.start);
  prefix.fill(manifest.vocabulary.special.pad, 0, captionSlots);
  const session = await provider.openSession({ prefixes: [prefix, prefix] });
  try {
    const points: CostPoint[] = [];
    const base = session.length;
    for (const blockLength of CALIBRATION_BLOCK_LENGTHS) {
      const block = new Int32Array(blockLength).fill(layout.imageTokens.start);
      const times: number[] = [];
      for (let i = 0; i < 6; i++) {
        const started = performance.now();
        await session.evaluate([block, block]);
        if (i > 0) times.push(performance.now() - started);
        await session.truncate(base);
      }
      points.push({ blockLength, ms: Math.max(Math.min(...times), points.at(-1)?.ms ?? 0) });
    }
    return new CostProfile(points);
  } finally {
    await session.dispose();
  }
}
