import { SjdError } from './sjd-error.js';

const name = 'SjdInvalidArgumentError';

/**
 * A value given at the public boundary is outside what is allowed. `field` names the
 * offending option (dotted path, e.g. `sampling.topP`), `allowed` says what would be accepted.
 */
export class InvalidArgumentError extends SjdError {
  readonly field: string;
  readonly allowed: string;
  readonly received: unknown;

  constructor(options: { field: string; allowed: string; received: unknown; message?: string }) {
    super({
      name,
      message:
        options.message ??
        `Invalid ${options.field}: expected ${options.allowed}, received ${describe(options.received)}.`,
    });
    this.field = options.field;
    this.allowed = options.allowed;
    this.received = options.received;
  }

  static override isInstance(error: unknown): error is InvalidArgumentError {
    return SjdError.isInstance(error) && error.name === name;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value === undefined || value === null) return String(value);
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  return typeof value;
}
