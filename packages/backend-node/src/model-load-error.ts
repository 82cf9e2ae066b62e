import { SjdError } from '@sjd/core';

const name = 'SjdModelLoadError';

/** Why a model folder could not be loaded. */
export type ModelLoadProblem =
  | 'missing-file'
  | 'bad-manifest'
  | 'corrupt-onnx'
  | 'graph-mismatch'
  | 'unsupported';

/**
 * A model folder could not be loaded: `problem` says what kind of fault, `path` which file,
 * and the message says what was expected and what was found.
 */
export class ModelLoadError extends SjdError {
  readonly problem: ModelLoadProblem;
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
