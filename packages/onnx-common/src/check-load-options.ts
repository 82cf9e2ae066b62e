import { type CacheStrategy, InvalidArgumentError } from '@sjd/core';

/** Load options every onnxruntime backend takes. */
export interface CommonLoadOptions {
  /** How rejected drafts leave the KV cache. Default `trim` (see docs/kv-cache.md). */
  readonly cacheStrategy?: CacheStrategy;
  /** onnxruntime threads; an integer ≥ 1. */
  readonly threads?: number;
  /**
   * Most rows (sessions' rows: 1 each, 2 with classifier-free guidance) merged into one
   * decoder call when generations run concurrently; an integer ≥ 1, 1 turns batching off.
   * Bounds the memory of a call. Default 1: on a 2-core CPU merged SJD passes measured no
   * faster than separate ones, AR passes ~2× faster at 8 rows (docs/architecture.md, "Batching").
   */
  readonly maxBatchRows?: number;
}

/**
 * Validates the options both backends take, throwing `InvalidArgumentError` naming the bad
 * field and what is allowed; returns the cache strategy to use.
 */
export function checkLoadOptions(options: CommonLoadOptions): CacheStrategy {
  const cacheStrategy = options.cacheStrategy ?? 'trim';
  if (cacheStrategy !== 'trim' && cacheStrategy !== 'mask') {
    throw new InvalidArgumentError({
      field: 'cacheStrategy',
      allowed: 'trim | mask',
      received: cacheStrategy,
    });
  }
  if (
    options.threads !== undefined &&
    !(Number.isInteger(options.threads) && options.threads >= 1)
  ) {
    throw new InvalidArgumentError({
      field: 'threads',
      allowed: 'an integer ≥ 1',
      received: options.threads,
    });
  }
  if (
    options.maxBatchRows !== undefined &&
    !(Number.isInteger(options.maxBatchRows) && options.maxBatchRows >= 1)
  ) {
    throw new InvalidArgumentError({
      field: 'maxBatchRows',
      allowed: 'an integer ≥ 1',
      received: options.maxBatchRows,
    });
  }
  return cacheStrategy;
}
