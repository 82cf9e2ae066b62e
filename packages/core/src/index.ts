/**
 * `@sjd/core`: Speculative Jacobi Decoding for autoregressive image models, written once
 * against the {@link LogitsProvider} specification. No model runtime in here: backends
 * (`@sjd/backend-node`, `@sjd/backend-web`) implement the provider.
 */

/** For backends: KV cache bookkeeping of Optimum-interface decoders (trim or mask). */
export { type CacheStrategy, KvCache, type SharedBatch } from './backend/kv-cache.js';
export { defaultRelativeCost } from './decoders/adaptive-window.js';
export { DRAFT_INITS, type DraftInit } from './decoders/draft-initializers.js';
export { REDRAFTS, type Redraft } from './decoders/sjd-decoder.js';
export { InvalidArgumentError } from './errors/invalid-argument-error.js';
export { ProviderContractError } from './errors/provider-contract-error.js';
export { SjdError } from './errors/sjd-error.js';
export {
  type GenerateOutcome,
  type GenerateRequest,
  type GenerationResult,
  generate,
  generateStream,
} from './generate.js';
export type {
  GenerationDoneEvent,
  GenerationEvent,
  GenerationStartEvent,
  ImageDoneEvent,
  TokenBlockEvent,
} from './generation-events.js';
export type {
  DecodingMethod,
  DecodingSettings,
  GenerateOptions,
  SamplingSettings,
} from './generation-options.js';
export { DEFAULT_DECODING, DEFAULT_SAMPLING } from './generation-options.js';
export { type EncodedPrompt, encodePrompt, layoutFromManifest } from './manifest/encode-prompt.js';
export { ManifestError } from './manifest/manifest-error.js';
export type { ModelManifest } from './manifest/model-manifest.js';
export { MODEL_MANIFEST_SCHEMA, parseModelManifest } from './manifest/parse-model-manifest.js';
export { prepareCaption } from './manifest/prepare-caption.js';
export { AllowedTokensLogitsProcessor } from './processing/allowed-tokens-mask.js';
export { ClassifierFreeGuidanceLogitsProcessor } from './processing/classifier-free-guidance.js';
export {
  argmaxToken,
  pointMass,
  probabilityOf,
  residualDistribution,
  sampleToken,
  type TokenDistribution,
} from './processing/distribution.js';
export { loadSamplingKernel } from './processing/kernel/wasm-sampling-kernel.js';
export {
  type ChainSettings,
  composeSamplingChain,
  createSamplingChain,
  LogitsChain,
  type TargetChain,
} from './processing/logits-chain.js';
export type { LogitsProcessor, ProcessingContext } from './processing/logits-processor.js';
export { softmaxDistribution } from './processing/softmax-distribution.js';
export { TemperatureLogitsWarper } from './processing/temperature-warper.js';
export { TopKLogitsWarper } from './processing/top-k-warper.js';
export { TopPLogitsWarper } from './processing/top-p-warper.js';
export {
  CALIBRATION_BLOCK_LENGTHS,
  type CostPoint,
  CostProfile,
  checkCostPoints,
  measureCostProfile,
} from './provider/cost-profile.js';
export {
  allowedTokensAt,
  type ImageLayout,
  imageCodes,
  isEndOfRow,
  rowStride,
  sequenceLength,
  type TokenRange,
} from './provider/image-layout.js';
export type {
  LogitsProvider,
  LogitsSession,
  OpenSessionOptions,
} from './provider/logits-provider.js';
export { SeededRandom } from './random/seeded-random.js';
export type { DecodingStatistics } from './stats/statistics-recorder.js';
