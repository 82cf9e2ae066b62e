/**
 * `@sjd/backend-web`: run `@sjd/core`'s decoders in the browser on onnxruntime-web (WebGPU,
 * or wasm). Re-exports the core API, so this is the one package a web app installs.
 */
export * from '@sjd/core';
export {
  ExecutionProviderError,
  type FamilyRecognition,
  type ImageModel,
  type ModelFamily,
  type ModelFolderReader,
  ModelLoadError,
  type ModelLoadProblem,
  type RecommendedSampling,
} from '@sjd/onnx-common';
export { WEB_EXECUTION_PROVIDERS, type WebExecutionProvider } from './create-web-session.js';
export { detectWebGpu, type WebGpuProbe } from './detect-webgpu.js';
export type { LoadProgress, WebModelFolder } from './fetch-model-folder.js';
export { WebJanusModel, webJanusFamily } from './janus-web-family.js';
export { loadWebModel, WEB_MODEL_FAMILIES } from './load-web-model.js';
export {
  type ExecutionProviderChoice,
  type ExecutionProviderReport,
  type LoadWebModelOptions,
  loadWebModelWith,
  WEBGPU_TOLERANCE,
  type WebImageModel,
  type WebLoadSettings,
  WebLogitsProvider,
  type WebModelFamily,
  webSjdModelFamily,
} from './web-logits-provider.js';
