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
import { ProactiveBranches } from './proactive-branches.js';

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
  /**
   * Proactive branches per step (0: off): extra row groups of the context's session, which
   * must hold `1 + branches` groups and implement `adoptRows` (see {@link ProactiveBranches}).
   */
  readonly branches?: number;
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
  /** After a rejection of the first draft, take the first branch whatever the residual drew. */
  readonly branchWithoutMatch?: boolean;
  /** In a taken branch, verify its drafts against the main row's targets. */
  readonly branchAgainstMainTargets?: boolean;
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
 *
 * With `branches: B > 0` each step also feeds B proactive branches as extra row groups;
 * when the first draft is rejected and the residual draw is a branch's token, verification
 * continues on that branch's rows (see {@link ProactiveBranches} for why this stays exact).
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

  const branchCount = settings.branches ?? 0;
  const branches = branchCount > 0 ? new ProactiveBranches(branchCount, context.layout) : null;

  while (context.remaining > 0) {
    const size = adaptive
      ? adaptive.next(context.remaining)
      : Math.min(settings.window as number, context.remaining);
    context.stats.recordWindow(size);
    if (drafts.length > size) drafts.length = size;
    while (drafts.length < size)
      drafts.push(initializer.draft(context.count + drafts.length, tokenAt));

    const start = context.count;
    const mainTokens = drafts.map((d) => d.token);
    // Chosen from the state before this step only: never from its coins.
    const branchTokens = branches ? branches.tokens(start, drafts[0]!) : [];
    const { logits, sessionLengthBefore } = await context.forward(
      mainTokens,
      branchTokens.map((a) => [a, ...mainTokens.slice(1)]),
    );
    const targets: TokenDistribution[][] = [];
    const targetIn = (group: number, i: number) =>
      ((targets[group] ??= [])[i] ??= chain.distributionAt(
        context.groups === 1 ? logits : context.groupLogits(logits, group),
        i,
        start + i,
      ));
    // Group 0 is the main row(s); g ≥ 1 is branch g − 1, taken after position 0.
    let group = 0;
    const target = (i: number) => targetIn(i === 0 ? 0 : group, i);
    const tokens: number[] = [];

    let index = 0;
    let replacement = -1;
    for (; index < size; index++) {
      const draft = drafts[index]!;
      if (faults.acceptEverything) {
        tokens.push(draft.token);
        continue;
      }
      const p = faults.branchAgainstMainTargets ? targetIn(0, index) : target(index);
      const q = faults.verifyAgainstFreshTarget && draft.proposal !== null ? p : draft.proposal;
      const ratio =
        probabilityOf(p, draft.token) / (q === null ? 1 : probabilityOf(q, draft.token));
      if (random.float() < ratio) {
        tokens.push(draft.token);
        continue;
      }
      const residual = faults.resampleFromTarget
        ? p
        : residualDistribution(p, q ?? pointMass(draft.token));
      const drawn = sampleToken(residual, random);
      const branch =
        index === 0 && branchTokens.length > 0
          ? faults.branchWithoutMatch
            ? 0
            : branchTokens.indexOf(drawn)
          : -1;
      if (branch >= 0) {
        group = branch + 1;
        tokens.push(branchTokens[branch]!);
        continue;
      }
      replacement = drawn;
      tokens.push(drawn);
      break;
    }
    const taken = group > 0;

    const next: Draft[] = [];
    if (replacement >= 0) {
      for (let i = index + 1; i <= size && start + i < context.length; i++) {
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
    // Pending plus every token drawn before the final one, from the group they were fed in.
    await context.keep(sessionLengthBefore, 1 + index, group);
    drafts = next;
    // Window-position statistics count the main row: a taken branch is a rejection at 0.
    const accepted = taken ? 0 : index;
    const verified = taken || replacement >= 0 ? accepted + 1 : accepted;
    if (taken) context.stats.recordBranch(index - 1);
    adaptive?.record(verified, accepted);
    const outcome = context.commit(tokens, verified, accepted);
    for (let i = 0; i < tokens.length; i++) {
      const committedTarget = faults.acceptEverything ? null : target(i);
      initializer.commit(start + i, tokens[i]!, committedTarget, committedAt);
      if (branches && committedTarget) branches.commit(start + i, committedTarget);
    }
    yield outcome;
  }
}
