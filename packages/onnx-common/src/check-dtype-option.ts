import { InvalidArgumentError } from '@sjd/core';

/** The `dtype` load option: one dtype for every sub-model, or one per sub-model. */
export type DtypeOption = string | Readonly<Record<string, string>>;

function isDtypeName(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Checks the shape of a `dtype` load option — a dtype name, or a plain object of dtype
 * names per sub-model — throwing `InvalidArgumentError` on `dtype` (or `dtype.<key>`)
 * otherwise. Which names a folder has is for its family to check.
 */
export function checkDtypeOption(dtype: unknown): DtypeOption | undefined {
  if (dtype === undefined || isDtypeName(dtype)) return dtype;
  const allowed =
    'a dtype name such as fp32, fp16, q4, q4f16, or one per sub-model: { language_model: "q4" }';
  if (typeof dtype !== 'object' || dtype === null || Array.isArray(dtype)) {
    throw new InvalidArgumentError({ field: 'dtype', allowed, received: dtype });
  }
  const entries = Object.entries(dtype);
  if (entries.length === 0) {
    throw new InvalidArgumentError({ field: 'dtype', allowed, received: dtype });
  }
  for (const [key, value] of entries) {
    if (!isDtypeName(value)) {
      throw new InvalidArgumentError({ field: `dtype.${key}`, allowed, received: value });
    }
  }
  return dtype as DtypeOption;
}
