import { readFile } from 'node:fs/promises';
import { type CostPoint, checkCostPoints, InvalidArgumentError } from '@sjd/backend-node';

/** What `sjd calibrate` writes: the step costs of one model on one machine. */
export interface CostProfileFile {
  readonly model: string;
  readonly providerId: string;
  readonly measuredAt: string;
  /** Forward-pass time by block length (two rows, as with CFG). */
  readonly points: readonly CostPoint[];
}

/** Reads a file `sjd calibrate` wrote (or a bare array of points) for `--cost-profile`. */
export async function readCostProfile(path: string): Promise<CostPoint[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InvalidArgumentError({
      field: 'costProfile',
      allowed: 'a JSON file written by sjd calibrate',
      received: path,
      message: `Cannot read --cost-profile ${path}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  const points = Array.isArray(parsed) ? parsed : (parsed as { points?: unknown } | null)?.points;
  return checkCostPoints(points, 'costProfile');
}
