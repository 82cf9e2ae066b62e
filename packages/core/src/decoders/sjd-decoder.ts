import {
  pointMass,
  probabilityOf,
  residualDistribution,
  sampleToken,
  type TokenDistribution,
} from '../processing/distribution.js';
import { AdaptiveWindow } from './adaptive-window.js';
import { coupledRedraft } from './coupled-redraft.js';
import type { DecodeContext, StepOutcome } from './decode-context.js';
import { type Draft, type DraftInit, DraftInitializer } from './draft-initializers.js';

/** How positions after a rejection get their next drafts. */
export type Redraft = 'independent' | 'coupled';

export const REDRAFTS: readonly Redraft[] = ['independent', 'coupled'];

/** SJD's settings, validated. */
export interface SjdSettings {
  /** Drafts per step, or `auto` to size the window from cost and acceptance. */
  readonly window: number | 'auto';
  readonly init: DraftInit;
  readonly redraft: Redraft;
  /** Upper bound of an automatic window. */
  readonly maxWindow: number;
  /** t(n)/t(1) of the provider, for the automatic window. */
  readonly relativeCost: (blockLength: number) => number;
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
  /** Coupled redrafting that always keeps the old draft (no coin), labelled with the new target. */
  readonly coupleWithoutCoin?: boolean;
}

/**
 * Speculative Jacobi decoding (arXiv 2410.01699), lossless: every committed sequence has
 * exactly the distribution of vanilla sampling under the same chain.
 *
 * One step: a forward pass over `[pending, d_1 … d_L]` gives `P_0 … P_L`. Drafts are
 * verified left to right, `d_i` accepted when `u < min(1, P_{i−1}(d_i) / q_i(d_i))` with a
 * fresh `u`. At the first rejection the position is drawn from the residual
 * `norm(max(0, P − q))`; if all pass, a bonus token is drawn from `P_L`. Positions after a
 * rejection get fresh drafts from their (stale) `P`, carrying that `P` as `q` — drawn
 * independently, or coupled to the old draft (`redraft: 'coupled'`); the window is then
 * topped up with initialised drafts.
 */
export async function* decodeSjd(
  context: DecodeContext,
  settings: SjdSettings,
  faults: SjdFaults = {},
): AsyncGenerator<StepOutcome> {
  const { random, chain } = context;
  let drafts: Draft[] = [];
  const tokenAt = (p: number) =>
    p < context.count ? context.committed[p] : drafts[p - context.count]?.token;
  const committedAt = (p: number) => (p < context.count ? context.committed[p] : undefined);
  const initializer = new DraftInitializer(settings.init, context.layout, random);
  const adaptive =
    settings.window === 'auto'
      ? new AdaptiveWindow(settings.relativeCost, settings.maxWindow)
      : null;

  while (context.remaining > 0) {
    const size = adaptive
      ? adaptive.next(context.remaining)
      : Math.min(settings.window as number, context.remaining);
    context.stats.recordWindow(size);
    if (drafts.length > size) drafts.length = size;
    while (drafts.length < size)
      drafts.push(initializer.draft(context.count + drafts.length, tokenAt));

    const { logits, sessionLengthBefore } = await context.forward(drafts.map((d) => d.token));
    const start = context.count;
    const targets: TokenDistribution[] = [];
    const target = (i: number) => (targets[i] ??= chain.distributionAt(logits, i, start + i));

    let accepted = 0;
    let replacement = -1;
    for (; accepted < size; accepted++) {
      const draft = drafts[accepted]!;
      if (faults.acceptEverything) continue;
      const p = target(accepted);
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
      for (let i = accepted + 1; i <= size && start + i < context.length; i++) {
        const p = target(i);
        const old = drafts[i];
        if (old && settings.redraft === 'coupled') {
          next.push(
            faults.coupleWithoutCoin
              ? { token: old.token, proposal: p }
              : coupledRedraft(old, p, random),
          );
        } else {
          next.push({ token: sampleToken(p, random), proposal: p });
        }
      }
    } else if (start + size < context.length) {
      tokens.push(sampleToken(target(size), random));
    }
    await context.keep(sessionLengthBefore, 1 + accepted);
    drafts = next;
    const verified = replacement >= 0 ? accepted + 1 : accepted;
    adaptive?.record(verified, accepted);
    const outcome = context.commit(tokens, verified, accepted);
    for (let i = 0; i < tokens.length; i++) {
      initializer.commit(
        start + i,
        tokens[i]!,
        faults.acceptEverything ? null : target(i),
        committedAt,
      );
    }
    yield outcome;
  }
}
