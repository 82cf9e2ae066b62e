import { SjdError } from '@sjd/core';

const name = 'SjdModelLoadError';

/**
 * Why a model could not be loaded from its URL. The same kinds as `@sjd/backend-node`,
 * plus `network` (the request failed or the server answered with an error status) and
 * `cross-origin` (the model is not on the page's own origin).
 */
export type ModelLoadProblem =
  | 'missing-file'
  | 'bad-manifest'
  | 'corrupt-onnx'
  | 'graph-mismatch'
  | 'unsupported'
  | 'network'
  | 'cross-origin';

/**
 * A model could not be loaded: `problem` says what kind of fault, `path` which URL, and the
 * message says what was expected and what was found. Same `name` as `@sjd/backend-node`'s
 * `ModelLoadError`, so one check catches both.
 */
export class ModelLoadError extends SjdError {
  readonly problem: ModelLoadProblem;
  /** The URL of the file at fault. */
  readonly path: string;

  constructor(options: {
    problem: ModelLoadProblem;
    path: string;
    message: string;
    cause?: unknown;
  }) {
    super({ name, message: `${options.path}: ${options.message}`, cause: options.cause });
    this.problem = options.problem;
    this.path = options.path;
  }

  static override isInstance(error: unknown): error is ModelLoadError {
    return SjdError.isInstance(error) && error.name === name;
  }
}
