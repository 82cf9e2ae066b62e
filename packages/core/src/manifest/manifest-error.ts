import { SjdError } from '../errors/sjd-error.js';

const name = 'SjdManifestError';

/** A model manifest is missing, unreadable, or says something impossible. */
export class ManifestError extends SjdError {
  /** Dotted path of the bad field, or `manifest` for the file as a whole. */
  readonly field: string;
  /** Where the manifest came from (a path or URL). */
  readonly source: string;
  /** What the field may hold, e.g. `an integer ≥ 1` or `one of "float32", "float16"`. */
  readonly allowed: string;
  /** What is wrong, without the source and the field (the message is `source: field: detail`). */
  readonly detail: string;

  constructor(options: {
    field: string;
    source: string;
    message: string;
    allowed: string;
    cause?: unknown;
  }) {
    super({
      name,
      message: `${options.source}: ${options.field}: ${options.message}`,
      cause: options.cause,
    });
    this.field = options.field;
    this.source = options.source;
    this.allowed = options.allowed;
    this.detail = options.message;
  }

  static override isInstance(error: unknown): error is ManifestError {
    return SjdError.isInstance(error) && error.name === name;
  }
}
