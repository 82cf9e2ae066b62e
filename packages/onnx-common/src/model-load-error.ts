import { SjdError } from '@sjd/core';

const name = 'SjdModelLoadError';

/**
 * Why a model could not be loaded: a file is missing, the manifest is invalid, an ONNX file
 * is corrupt, a graph does not match the manifest, the runtime does not support it, or no
 * model family this package loads recognises the folder (`unknown-family`); and
 * in the browser, `network` (the request failed or answered with an error status) and
 * `cross-origin` (the model is not on the page's own origin).
 */
export type ModelLoadProblem =
  | 'missing-file'
  | 'bad-manifest'
  | 'corrupt-onnx'
  | 'graph-mismatch'
  | 'unsupported'
  | 'unknown-family'
  | 'network'
  | 'cross-origin';

/**
 * A model could not be loaded: `problem` says what kind of fault, `path` which file (a path
 * in Node, a URL in the browser), and the message what was expected and what was found.
 */
export class ModelLoadError extends SjdError {
  readonly problem: ModelLoadProblem;
  /** The file at fault. */
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
