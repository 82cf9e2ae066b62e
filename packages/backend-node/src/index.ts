/**
 * `@sjd/backend-node`: run `@sjd/core`'s decoders on onnxruntime-node. Re-exports the core
 * API, so this is the one package a Node user installs.
 */
export * from '@sjd/core';
export {
  ExecutionProviderError,
  type FamilyRecognition,
  type ImageModel,
  type JanusImage,
  JanusImageModel,
  type JanusPrompts,
  type ModelFamily,
  type ModelFolderReader,
  ModelLoadError,
  type ModelLoadProblem,
  type RecommendedSampling,
} from '@sjd/onnx-common';
export { EXECUTION_PROVIDERS, type ExecutionProvider } from './create-inference-session.js';
export { encodePng } from './encode-png.js';
export {
  type GeneratedImage,
  type GenerateImageOptions,
  generateImage,
} from './generate-image.js';
export {
  isJanusFolder,
  type JanusLoadOptions,
  janusNodeFamily,
  loadJanusModel,
  NodeJanusModel,
} from './janus/index.js';
export { loadModel, NODE_MODEL_FAMILIES } from './load-model.js';
export type {
  LoadModelOptions,
  NodeImageModel,
  NodeLoadSettings,
  NodeModelFamily,
} from './node-load-options.js';
export { nodeModelFolder } from './node-model-folder.js';
export { OnnxLogitsProvider, sjdModelFamily } from './onnx-logits-provider.js';
export { type ModelFolder, readModelFolder } from './read-model-folder.js';
