const marker = Symbol.for('@sjd/core.error');

/**
 * Base class of every error that `@sjd/core` and the packages built on it throw on purpose.
 * Use the static `isInstance` checks rather than `instanceof`: they survive two copies of
 * the package in one bundle.
 */
export class SjdError extends Error {
  /** Brand checked by `isInstance`. */
  readonly [marker] = true;

  constructor(options: { name: string; message: string; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = options.name;
  }

  static isInstance(error: unknown): error is SjdError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
