import { InvalidArgumentError } from '@sjd/core';

/**
 * Image codes (raster order) checked and widened to the int64 ids an image decoder graph
 * takes: exactly `cells` of them, each an integer in `[0, codeCount − 1]`, else an
 * `InvalidArgumentError` naming `codes` or the bad `codes[i]`.
 */
export function imageCodeIds(codes: Int32Array, cells: number, codeCount: number): BigInt64Array {
  if (codes.length !== cells) {
    throw new InvalidArgumentError({
      field: 'codes',
      allowed: `${cells} image codes`,
      received: codes,
    });
  }
  const ids = new BigInt64Array(cells);
  for (let i = 0; i < cells; i++) {
    const code = codes[i]!;
    if (!(Number.isInteger(code) && code >= 0 && code < codeCount)) {
      throw new InvalidArgumentError({
        field: `codes[${i}]`,
        allowed: `an integer in [0, ${codeCount - 1}]`,
        received: code,
      });
    }
    ids[i] = BigInt(code);
  }
  return ids;
}
