/**
 * Janus / Janus-Pro (`model_type` `multi_modality`) in the transformers.js ONNX layout,
 * runtime-agnostic: each backend reads the folder and creates the six sessions.
 */

export {
  type JanusConfig,
  type JanusFile,
  type JanusFolderFiles,
  readJanusConfig,
} from './janus-config.js';
export {
  JANUS_DTYPE_SUFFIXES,
  JANUS_SUB_MODELS,
  type JanusDtype,
  type JanusDtypeOption,
  type JanusSubModel,
  janusOnnxFile,
  resolveJanusDtypes,
} from './janus-dtype.js';
export {
  JanusFamilyModel,
  type JanusFolderInfo,
  janusRecognition,
  readJanusFolderInfo,
} from './janus-family.js';
export {
  checkJanusGraph,
  type JanusGraph,
  type JanusSessions,
  releaseJanusSessions,
} from './janus-graph.js';
export type { JanusImage, JanusModelOptions } from './janus-image-model.js';
export { JanusImageModel } from './janus-image-model.js';
export { janusJsonReader } from './janus-json-reader.js';
export { JanusPromptEncoder, type JanusPrompts } from './janus-prompt.js';
export { JanusLogitsSession } from './janus-session.js';
export {
  type JanusFolderOptions,
  type JanusFolderReader,
  loadJanusFolder,
} from './load-janus-folder.js';
