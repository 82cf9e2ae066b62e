/**
 * Test helpers for `@sjd/core` and the packages built on it: enumerable toy providers, a
 * recording mock, the plain reference chain, the goodness-of-fit test, and the conformance
 * suite every `LogitsProvider` runs ({@link runProviderConformance}).
 */

export { enumerateSequenceDistribution } from './enumerate-sequences.js';
export { chiSquareGoodnessOfFit, type GoodnessOfFit } from './goodness-of-fit.js';
export { hashedLogits, oracleLogits } from './hashed-logits.js';
export {
  type ConformanceFailure,
  type ConformanceOptions,
  runProviderConformance,
} from './provider-conformance.js';
export { type RecordedCall, RecordingLogitsProvider } from './recording-logits-provider.js';
export { referenceTarget } from './reference-target.js';
export { type ToyLogitsFunction, ToyLogitsProvider } from './toy-logits-provider.js';
