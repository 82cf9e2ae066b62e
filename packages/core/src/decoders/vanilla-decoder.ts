import { sampleToken } from '../processing/distribution.js';
import type { DecodeContext, StepOutcome } from './decode-context.js';

/**
 * Vanilla autoregressive sampling, the baseline: one forward pass per token. Feeds the
 * last committed token, reads `P`, samples one token.
 */
export async function* decodeVanilla(context: DecodeContext): AsyncGenerator<StepOutcome> {
  while (context.remaining > 0) {
    const { logits } = await context.forward([]);
    const distribution = context.chain.distributionAt(logits, 0, context.count);
    yield context.commit([sampleToken(distribution, context.random)], 0, 0);
  }
}
