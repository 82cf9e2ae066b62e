const marker = Symbol.for('@sjd/client.error');
const name = 'SjdClientError';

/**
 * Base class of the errors `@sjd/client` throws on purpose; thrown as is for bad client
 * options (`field` names the option). Use the static `isInstance` checks rather than
 * `instanceof`: they survive two copies of the package in one bundle.
 */
export class SjdClientError extends Error {
  /** Brand checked by `isInstance`. */
  readonly [marker] = true;
  /** The option or request field at fault, where there is one. */
  readonly field: string | undefined;

  constructor(options: { name?: string; message: string; field?: string; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = options.name ?? name;
    this.field = options.field;
  }

  static isInstance(error: unknown): error is SjdClientError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
