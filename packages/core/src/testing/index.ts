/**
 * Test helpers for `@sjd/core` and the packages built on it: enumerable toy providers, a
 * recording mock, the plain reference chain and the goodness-of-fit test.
 */

export { enumerateSequenceDistribution } from './enumerate-sequences.js';
export { chiSquareGoodnessOfFit, type GoodnessOfFit } from './goodness-of-fit.js';
export { hashedLogits, oracleLogits } from './hashed-logits.js';
export { type RecordedCall, RecordingLogitsProvider } from './recording-logits-provider.js';
export { referenceTarget } from './reference-target.js';
export { type ToyLogitsFunction, ToyLogitsProvider } from './toy-logits-provider.js';
