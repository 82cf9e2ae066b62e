/**
 * `@sjd/backend-node`: run `@sjd/core`'s decoders on onnxruntime-node. Re-exports the core
 * API, so this is the one package a Node user installs.
 */
export * from '@sjd/core';
export { OnnxLogitsProvider, type LoadModelOptions } from './onnx-logits-provider.js';
export { type ExecutionProvider, EXECUTION_PROVIDERS } from './create-inference-session.js';
export type { CacheStrategy } from './kv-cache.js';
export { ModelLoadError, type ModelLoadProblem } from './model-load-error.js';
export { ExecutionProviderError } from './execution-provider-error.js';
export { readModelFolder, type ModelFolder } from './read-model-folder.js';
export { encodePng } from './encode-png.js';
