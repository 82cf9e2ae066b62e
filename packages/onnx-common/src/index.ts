/**
 * `@sjd/onnx-common`: what the two onnxruntime backends (`@sjd/backend-node`,
 * `@sjd/backend-web`) share, written once against onnxruntime-common's API, as onnxruntime
 * itself shares `onnxruntime-common` between its Node and web packages. Each backend passes
 * its runtime's `Tensor` class ({@link OnnxRuntime}) and its own inference sessions.
 */

export { type ForwardRequest, type LayoutCounts, runForward } from './batched-forward.js';
export { calibrateLoadedModel } from './calibrate-loaded-model.js';
export { checkDecoderGraph } from './check-decoder-graph.js';
export { checkDtypeOption, type DtypeOption } from './check-dtype-option.js';
export { type CommonLoadOptions, checkLoadOptions } from './check-load-options.js';
export { ExecutionProviderError } from './execution-provider-error.js';
export { ForwardBatcher, type RunBatch } from './forward-batcher.js';
export { DEFAULT_MAX_FREE_BYTES, ForwardBuffers } from './forward-batcher-buffers.js';
export { ImageDecoder } from './image-decoder.js';
export type { ImageModel, RecommendedSampling } from './image-model.js';
export * from './janus/index.js';
export { type FamilyRecognition, type ModelFamily, recogniseModelFamily } from './model-family.js';
export type { ModelFolderReader } from './model-folder-reader.js';
export { ModelLoadError, type ModelLoadProblem } from './model-load-error.js';
export { type DecoderShape, type Forward, OnnxDecoderSession } from './onnx-decoder-session.js';
export { DEFAULT_MAX_BATCH_ROWS, OnnxImageModel } from './onnx-image-model.js';
export type { OnnxRuntime } from './onnx-runtime.js';
export {
  hasManifest,
  MANIFEST_FILE,
  type ResolvedModelFolder,
  resolveModelFolder,
  sjdModelRecognition,
} from './resolve-model-folder.js';
