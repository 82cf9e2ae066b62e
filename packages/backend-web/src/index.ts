/**
 * `@sjd/backend-web`: run `@sjd/core`'s decoders in the browser on onnxruntime-web (WebGPU,
 * or wasm). Re-exports the core API, so this is the one package a web app installs.
 */
export * from '@sjd/core';
export { ExecutionProviderError, ModelLoadError, type ModelLoadProblem } from '@sjd/onnx-common';
export { WEB_EXECUTION_PROVIDERS, type WebExecutionProvider } from './create-web-session.js';
export { detectWebGpu, type WebGpuProbe } from './detect-webgpu.js';
export type { LoadProgress } from './fetch-model-folder.js';
export {
  type ExecutionProviderChoice,
  type ExecutionProviderReport,
  type LoadWebModelOptions,
  WEBGPU_TOLERANCE,
  WebLogitsProvider,
} from './web-logits-provider.js';
