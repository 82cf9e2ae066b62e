/**
 * `@sjd/core`: Speculative Jacobi Decoding for autoregressive image models, written once
 * against the {@link LogitsProvider} specification. No model runtime in here: backends
 * (`@sjd/backend-node`, `@sjd/backend-web`) implement the provider.
 */
export type { LogitsProvider, LogitsSession, OpenSessionOptions } from './provider/logits-provider.js';
export {
  type ImageLayout,
  type TokenRange,
  sequenceLength,
  rowStride,
  isEndOfRow,
  allowedTokensAt,
  imageCodes,
} from './provider/image-layout.js';

export { generate, generateStream, type GenerationResult } from './generate.js';
export type {
  GenerateOptions,
  SamplingSettings,
  DecodingSettings,
  DecodingMethod,
} from './generation-options.js';
export { DEFAULT_SAMPLING, DEFAULT_DECODING } from './generation-options.js';
export type {
  GenerationEvent,
  GenerationStartEvent,
  TokenBlockEvent,
  ImageDoneEvent,
  GenerationDoneEvent,
} from './generation-events.js';
export { type DraftInit, DRAFT_INITS } from './decoders/draft-initializers.js';
export type { DecodingStatistics } from './stats/statistics-recorder.js';

export { SeededRandom } from './random/seeded-random.js';
export type { LogitsProcessor, ProcessingContext } from './processing/logits-processor.js';
export { ClassifierFreeGuidanceLogitsProcessor } from './processing/classifier-free-guidance.js';
export { AllowedTokensLogitsProcessor } from './processing/allowed-tokens-mask.js';
export { TemperatureLogitsWarper } from './processing/temperature-warper.js';
export { TopKLogitsWarper } from './processing/top-k-warper.js';
export { TopPLogitsWarper } from './processing/top-p-warper.js';
export {
  LogitsChain,
  createSamplingChain,
  composeSamplingChain,
  type ChainSettings,
  type TargetChain,
} from './processing/logits-chain.js';
export {
  type TokenDistribution,
  pointMass,
  probabilityOf,
  sampleToken,
  argmaxToken,
  residualDistribution,
} from './processing/distribution.js';
export { softmaxDistribution } from './processing/softmax-distribution.js';

export { SjdError } from './errors/sjd-error.js';
export { InvalidArgumentError } from './errors/invalid-argument-error.js';
export { ProviderContractError } from './errors/provider-contract-error.js';

export type { ModelManifest } from './manifest/model-manifest.js';
export { ManifestError } from './manifest/manifest-error.js';
export { parseModelManifest } from './manifest/parse-model-manifest.js';
export { encodePrompt, layoutFromManifest, type EncodedPrompt } from './manifest/encode-prompt.js';
