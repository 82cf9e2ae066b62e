import { ExecutionProviderError, InvalidArgumentError, ModelLoadError } from '@sjd/backend-web';

/** An error as the page shows it: a headline, the detail, and what to do. */
export interface ErrorDescription {
  readonly kind: 'model-load' | 'execution-provider' | 'invalid-setting' | 'generation';
  readonly headline: string;
  readonly detail: string;
  readonly hint: string | null;
}

/** Turns what the backend or the core threw into words for the page. */
export function describeError(error: unknown): ErrorDescription {
  const detail = error instanceof Error ? error.message : String(error);
  if (ModelLoadError.isInstance(error)) {
    return {
      kind: 'model-load',
      headline: 'The model failed to load',
      detail,
      hint:
        error.problem === 'missing-file' || error.problem === 'unknown-family'
          ? 'The app serves the model under model/, copied at build time from packages/shapes/model or SJD_MODEL_DIR. Rebuild after the model is there.'
          : null,
    };
  }
  if (ExecutionProviderError.isInstance(error)) {
    const headline =
      error.executionProvider === 'webgpu'
        ? 'WebGPU is not available'
        : `The ${error.executionProvider} backend is not available`;
    return {
      kind: 'execution-provider',
      headline,
      detail: detail.startsWith(`${headline}: `)
        ? capitalise(detail.slice(headline.length + 2))
        : detail,
      hint:
        error.executionProvider === 'webgpu'
          ? 'Use a browser with WebGPU on a GPU it supports (Chrome or Edge 113+, https or localhost), or choose WebAssembly.'
          : null,
    };
  }
  if (InvalidArgumentError.isInstance(error)) {
    return {
      kind: 'invalid-setting',
      headline: `Check ${error.field === 'prompt' ? 'the prompt' : error.field}`,
      detail,
      hint: null,
    };
  }
  return { kind: 'generation', headline: 'Something went wrong', detail, hint: null };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
