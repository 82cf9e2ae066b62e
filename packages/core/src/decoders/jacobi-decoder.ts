import { argmaxToken } from '../processing/distribution.js';
import type { DecodeContext, StepOutcome } from './decode-context.js';
import { type DraftInit, DraftInitializer } from './draft-initializers.js';

/**
 * Greedy Jacobi decoding (prior art): feed the last committed token plus `window` drafts,
 * take the argmax at every position, accept the longest prefix where draft equals argmax
 * plus the argmax after it; the remaining argmaxes become the next drafts. Its output
 * equals greedy decoding. It ignores temperature, top-k and top-p (the chain it is given
 * is greedy).
 */
export async function* decodeJacobi(
  context: DecodeContext,
  options: { window: number; init: DraftInit },
): AsyncGenerator<StepOutcome> {
  let drafts: number[] = [];
  const initializer = new DraftInitializer(options.init, context.layout, context.random);
  const tokenAt = (p: number) =>
    p < context.count ? context.committed[p] : drafts[p - context.count];
  while (context.remaining > 0) {
    const size = Math.min(options.window, context.remaining);
    while (drafts.length < size) {
      drafts.push(initializer.draft(context.count + drafts.length, tokenAt).token);
    }
    const { logits, sessionLengthBefore } = await context.forward(drafts);
    const start = context.count;
    const hasBonus = start + size < context.length;
    const greedy: number[] = [];
    for (let i = 0; i < (hasBonus ? size + 1 : size); i++) {
      greedy.push(argmaxToken(context.chain.distributionAt(logits, i, start + i)));
    }
    let accepted = 0;
    while (accepted < size && drafts[accepted] === greedy[accepted]) accepted++;
    const tokens = drafts.slice(0, accepted);
    if (accepted < size || hasBonus) tokens.push(greedy[accepted]!);
    await context.keep(sessionLengthBefore, 1 + accepted);
    drafts = greedy.slice(accepted + 1);
    yield context.commit(tokens, Math.min(size, accepted + 1), accepted);
  }
}
