export { jitterRange, plainAppearance, sampleAppearance } from './appearance.js';
export { describeShape, sceneToCaption } from './caption.js';
export {
  type DatasetMeta,
  type DatasetOptions,
  DatasetOptionsError,
  datasetScenes,
  type Split,
  writeDataset,
} from './dataset.js';
export {
  classifyPixels,
  type DetectedShape,
  detectShapes,
  FOREGROUND_COVERAGE,
  MIN_SHAPE_PIXELS,
} from './detect-shapes.js';
export { diversity, imageDistance, pairwiseDiversity } from './diversity.js';
export {
  type Adherence,
  type AttributeRates,
  adherence,
  evaluateImage,
  type ImageVerdict,
  type ShapeVerdict,
} from './evaluate.js';
export * from './grammar.js';
export {
  fnv1a32,
  HELD_OUT_COUNT,
  HELD_OUT_LIST_SEED,
  HELD_OUT_MODULUS,
  heldOutCaptions,
  isHeldOut,
} from './held-out.js';
export { shippedModelDir } from './model-dir.js';
export { CaptionParseError, parseCaption } from './parse-caption.js';
export {
  addPixelNoise,
  addSpecks,
  boxBlur,
  flattenPatches,
  jitterPatches,
  PATCH,
} from './perturb.js';
export { renderScene } from './render.js';
export { sampleScene } from './sample-scene.js';
export { cellCentre, insideShape, type ShapeMask, shapeMask } from './shape-mask.js';
export { CaptionTokenizeError, captionWords, decodeCaption, encodeCaption } from './tokenize.js';
