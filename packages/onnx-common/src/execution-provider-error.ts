import { SjdError } from '@sjd/core';

const name = 'SjdExecutionProviderError';

/**
 * The execution provider the caller asked for cannot start here; the message says what is
 * missing (CUDA libraries, `navigator.gpu`, an adapter, the runtime's backend, …).
 */
export class ExecutionProviderError extends SjdError {
  /** The provider that was asked for, e.g. `cuda` or `webgpu`. */
  readonly executionProvider: string;

  constructor(options: { executionProvider: string; message: string; cause?: unknown }) {
    super({ name, message: options.message, cause: options.cause });
    this.executionProvider = options.executionProvider;
  }

  static override isInstance(error: unknown): error is ExecutionProviderError {
    return SjdError.isInstance(error) && error.name === name;
  }
}
