import { ExecutionProviderError, ModelLoadError } from '@sjd/onnx-common';
import * as ort from 'onnxruntime-web/webgpu';

/** Where the model runs in the browser. */
export type WebExecutionProvider = 'webgpu' | 'wasm';

/** The providers this backend knows, fastest first. */
export const WEB_EXECUTION_PROVIDERS: readonly WebExecutionProvider[] = ['webgpu', 'wasm'];

/**
 * Opens ONNX bytes with onnxruntime-web on exactly one execution provider (never a list,
 * which onnxruntime-web would walk silently). A backend that cannot initialise becomes an
 * `ExecutionProviderError`; any other failure a `ModelLoadError` (`corrupt-onnx`) naming the
 * URL the bytes came from; the caller tells a model that only one provider rejects apart.
 */
export async function createWebSession(
  bytes: Uint8Array,
  url: string,
  executionProvider: WebExecutionProvider,
): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: [executionProvider],
      graphOptimizationLevel: 'all',
    });
  } catch (cause) {
    const message = (cause as Error)?.message ?? String(cause);
    if (/no available backend/i.test(message)) {
      const hint =
        executionProvider === 'wasm'
          ? " (are onnxruntime-web's .wasm and .mjs files served where `wasmPaths` points?)"
          : '';
      throw new ExecutionProviderError({
        executionProvider,
        message: `onnxruntime-web could not start its ${executionProvider} backend${hint}: ${message}`,
        cause,
      });
    }
    throw new ModelLoadError({
      problem: 'corrupt-onnx',
      path: url,
      message: `onnxruntime-web cannot load it as an ONNX model: ${message}`,
      cause,
    });
  }
}
