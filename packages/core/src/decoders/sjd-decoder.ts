import {
  pointMass,
  probabilityOf,
  residualDistribution,
  sampleToken,
  type TokenDistribution,
} from '../processing/distribution.js';
import type { DecodeContext, StepOutcome } from './decode-context.js';
import { type DraftInit, initialDraft } from './draft-initializers.js';

/** A guessed token and the exact distribution it was drawn from (`null`: a point mass). */
interface Draft {
  readonly token: number;
  readonly proposal: TokenDistribution | null;
}

/**
 * Deliberate faults, for the negative controls of the exactness tests only. Not part of
 * the public API: the public `generate` never passes them.
 * @internal
 */
export interface SjdFaults {
  /** Accept every draft without a coin. */
  readonly acceptEverything?: boolean;
  /** After a rejection, draw from `P` instead of the residual. */
  readonly resampleFromTarget?: boolean;
  /** Verify refined drafts against the fresh target instead of the `q` they came from. */
  readonly verifyAgainstFreshTarget?: boolean;
}

/**
 * Speculative Jacobi decoding (arXiv 2410.01699), lossless: every committed sequence has
 * exactly the distribution of vanilla sampling under the same chain.
 *
 * One step: a forward pass over `[pending, d_1 … d_L]` gives `P_0 … P_L`. Drafts are
 * verified left to right, `d_i` accepted when `u < min(1, P_{i−1}(d_i) / q_i(d_i))` with a
 * fresh `u`. At the first rejection the position is drawn from the residual
 * `norm(max(0, P − q))`; if all pass, a bonus token is drawn from `P_L`. Positions after a
 * rejection get fresh drafts sampled from their (stale) `P`, carrying that `P` as `q`; the
 * window is then topped up with initialised point-mass drafts.
 */
export async function* decodeSjd(
  context: DecodeContext,
  options: { window: number; init: DraftInit },
  faults: SjdFaults = {},
): AsyncGenerator<StepOutcome> {
  let drafts: Draft[] = [];
  const tokenAt = (p: number) =>
    p < context.count ? context.committed[p] : drafts[p - context.count]?.token;
  const { random, chain } = context;
  while (context.remaining > 0) {
    const size = Math.min(options.window, context.remaining);
    while (drafts.length < size) {
      const position = context.count + drafts.length;
      drafts.push({
        token: initialDraft(options.init, context.layout, position, tokenAt, random),
        proposal: null,
      });
    }
    const { logits, sessionLengthBefore } = await context.forward(drafts.map((d) => d.token));
    const start = context.count;
    const targets: TokenDistribution[] = [];
    const target = (i: number) => (targets[i] ??= chain.distributionAt(logits, i, start + i));

    let accepted = 0;
    let replacement = -1;
    for (; accepted < size; accepted++) {
      const draft = drafts[accepted]!;
      const p = target(accepted);
      if (faults.acceptEverything) continue;
      const q = faults.verifyAgainstFreshTarget && draft.proposal !== null ? p : draft.proposal;
      const ratio =
        probabilityOf(p, draft.token) / (q === null ? 1 : probabilityOf(q, draft.token));
      if (random.float() < ratio) continue;
      const residual = faults.resampleFromTarget
        ? p
        : residualDistribution(p, q ?? pointMass(draft.token));
      replacement = sampleToken(residual, random);
      break;
    }

    const tokens = drafts.slice(0, accepted).map((d) => d.token);
    const next: Draft[] = [];
    if (replacement >= 0) {
      tokens.push(replacement);
      // Fresh drafts for the positions after the rejection, from their stale targets.
      for (let i = accepted + 1; i <= size && start + i < context.length; i++) {
        const p = target(i);
        next.push({ token: sampleToken(p, random), proposal: p });
      }
    } else if (start + size < context.length) {
      tokens.push(sampleToken(target(size), random));
    }
    await context.keep(sessionLengthBefore, 1 + accepted);
    drafts = next;
    yield context.commit(tokens, replacement >= 0 ? accepted + 1 : accepted, accepted);
  }
}
