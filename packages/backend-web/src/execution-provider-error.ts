import { SjdError } from '@sjd/core';

const name = 'SjdExecutionProviderError';

/**
 * The execution provider the caller insisted on cannot run in this browser; the message
 * says why (no `navigator.gpu`, no adapter, onnxruntime-web's backend failed to start, …).
 * Same `name` as `@sjd/backend-node`'s error of the same kind, so one check catches both.
 */
export class ExecutionProviderError extends SjdError {
  /** The provider that was asked for, e.g. `webgpu`. */
  readonly executionProvider: string;

  constructor(options: { executionProvider: string; message: string; cause?: unknown }) {
    super({ name, message: options.message, cause: options.cause });
    this.executionProvider = options.executionProvider;
  }

  static override isInstance(error: unknown): error is ExecutionProviderError {
    return SjdError.isInstance(error) && error.name === name;
  }
}
