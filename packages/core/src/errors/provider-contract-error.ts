import { SjdError } from './sjd-error.js';

const name = 'SjdProviderContractError';

/**
 * A `LogitsProvider` broke its specification, for example by returning logits of the
 * wrong size. `field` names the member that was wrong.
 */
export class ProviderContractError extends SjdError {
  readonly field: string;

  constructor(options: { field: string; message: string }) {
    super({
      name,
      message: `LogitsProvider contract violated (${options.field}): ${options.message}`,
    });
    this.field = options.field;
  }

  static override isInstance(error: unknown): error is ProviderContractError {
    return SjdError.isInstance(error) && error.name === name;
  }
}
