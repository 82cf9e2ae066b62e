import { ExecutionProviderError, ModelLoadError } from '@sjd/onnx-common';
import * as ort from 'onnxruntime-node';

/** Where the model runs. `cpu` is bundled; `cuda` and `webgpu` need extra libraries. */
export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';

export const EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda', 'webgpu'];

const MISSING: Record<Exclude<ExecutionProvider, 'cpu'>, string> = {
  cuda: "onnxruntime-node's CUDA execution provider could not start. It needs an NVIDIA GPU, its driver, and the CUDA 12 + cuDNN 9 libraries that onnxruntime-node downloads at install time only when asked: reinstall with ONNXRUNTIME_NODE_INSTALL_CUDA=v12 (and without ONNXRUNTIME_NODE_INSTALL=skip), see docs/execution-providers.md",
  webgpu:
    "onnxruntime-node's WebGPU execution provider could not start: this onnxruntime-node build or platform has no WebGPU adapter (it ships on Windows and macOS builds); use 'cpu' here, see docs/execution-providers.md",
};

/**
 * Opens an ONNX file with onnxruntime-node. A missing file or a file that is not a valid
 * ONNX model becomes a `ModelLoadError`; an execution provider that cannot start becomes
 * an `ExecutionProviderError` naming what is missing. onnxruntime falls back silently for
 * some providers, so the caller is told which one runs.
 */
export async function createInferenceSession(
  path: string,
  executionProvider: ExecutionProvider,
  threads?: number,
): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [executionProvider],
    graphOptimizationLevel: 'all',
    ...(threads ? { intraOpNumThreads: threads } : {}),
  };
  try {
    return await ort.InferenceSession.create(path, options);
  } catch (cause) {
    const message = (cause as Error).message ?? String(cause);
    if (
      executionProvider !== 'cpu' &&
      /provider|cuda|webgpu|backend|not (found|supported|available)|lib.*\.so/i.test(message)
    ) {
      throw new ExecutionProviderError({
        executionProvider,
        message: `${MISSING[executionProvider]} (onnxruntime said: ${message})`,
        cause,
      });
    }
    if (/no such file|ENOENT|doesn't exist|does not exist/i.test(message)) {
      throw new ModelLoadError({ problem: 'missing-file', path, message: 'file not found', cause });
    }
    throw new ModelLoadError({
      problem: 'corrupt-onnx',
      path,
      message: `onnxruntime cannot load it as an ONNX model: ${message}`,
      cause,
    });
  }
}
