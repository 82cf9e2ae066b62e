/**
 * `@sjd/backend-node`: run `@sjd/core`'s decoders on onnxruntime-node. Re-exports the core
 * API, so this is the one package a Node user installs.
 */
export * from '@sjd/core';
export {
  ExecutionProviderError,
  type JanusImage,
  JanusImageModel,
  type JanusPrompts,
  ModelLoadError,
  type ModelLoadProblem,
} from '@sjd/onnx-common';
export { EXECUTION_PROVIDERS, type ExecutionProvider } from './create-inference-session.js';
export { encodePng } from './encode-png.js';
export {
  type GeneratedImage,
  type GenerateImageOptions,
  generateImage,
} from './generate-image.js';
export { isJanusFolder, type JanusLoadOptions, loadJanusModel } from './janus/index.js';
export { type LoadModelOptions, OnnxLogitsProvider } from './onnx-logits-provider.js';
export { prepareCaption } from './prepare-caption.js';
export { type ModelFolder, readModelFolder } from './read-model-folder.js';
