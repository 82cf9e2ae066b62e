/**
 * Test helpers for `@sjd/core` and the packages built on it: enumerable toy providers, a
 * recording mock, the plain reference chain and the goodness-of-fit test.
 */
export { ToyLogitsProvider, type ToyLogitsFunction } from './toy-logits-provider.js';
export { hashedLogits, oracleLogits } from './hashed-logits.js';
export { RecordingLogitsProvider, type RecordedCall } from './recording-logits-provider.js';
export { referenceTarget } from './reference-target.js';
export { enumerateSequenceDistribution } from './enumerate-sequences.js';
export { chiSquareGoodnessOfFit, type GoodnessOfFit } from './goodness-of-fit.js';
