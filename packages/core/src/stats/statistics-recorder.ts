/** What one generation (or one image of it) cost and how well drafts fared. */
export interface DecodingStatistics {
  /** Forward passes of the model (CFG's two rows in one batch count once). */
  readonly steps: number;
  /** Tokens committed. */
  readonly tokens: number;
  /** tokens ÷ steps: how many tokens one forward pass bought. */
  readonly stepCompression: number;
  /** Mean number of drafts accepted per step. */
  readonly meanAcceptedDrafts: number;
  /**
   * For window position i (0 = first draft), the fraction of verified drafts accepted.
   * A draft is verified only if every draft before it was accepted. `null` where none was.
   */
  readonly acceptanceByPosition: readonly (number | null)[];
  /** Drafts verified at each window position (the counts behind `acceptanceByPosition`). */
  readonly verifiedByPosition: readonly number[];
  /** Drafts accepted at each window position. */
  readonly acceptedByPosition: readonly number[];
  /**
   * The SJD windows the steps used, as `[window, steps]` pairs by increasing window: one
   * pair for a fixed window (plus the shorter ones the image's end forces), several when
   * the window is automatic. Empty for vanilla AR and Jacobi.
   */
  readonly windowSteps: readonly (readonly [window: number, steps: number])[];
  /**
   * SJD's proactive branches (`decoding.branches`): steps whose first draft was rejected and
   * whose residual draw matched a branch, so that branch's drafts were verified too. 0 when
   * branches are off.
   */
  readonly branchSteps: number;
  /** Drafts accepted inside taken branches (after the branch token); not in `acceptanceByPosition`. */
  readonly branchAcceptedDrafts: number;
  /** Milliseconds spent inside the provider (forward passes, truncation, session setup). */
  readonly providerMs: number;
  /** Milliseconds spent in the core itself (logits processing, sampling, bookkeeping). */
  readonly coreMs: number;
  /** Wall-clock milliseconds. */
  readonly totalMs: number;
}

/** Accumulates statistics; one per image and one for the whole generation. */
export class StatisticsRecorder {
  steps = 0;
  tokens = 0;
  acceptedDrafts = 0;
  providerMs = 0;
  totalMs = 0;
  branchSteps = 0;
  branchAcceptedDrafts = 0;
  readonly verified: number[] = [];
  readonly accepted: number[] = [];
  /** Steps per SJD window size. */
  readonly windows = new Map<number, number>();

  /** Records the window an SJD step verified. */
  recordWindow(window: number): void {
    this.windows.set(window, (this.windows.get(window) ?? 0) + 1);
  }

  /** Records one step: the drafts that were verified, in window order, and how many passed. */
  recordStep(committedTokens: number, verifiedDrafts: number, acceptedDrafts: number): void {
    this.steps++;
    this.tokens += committedTokens;
    this.acceptedDrafts += acceptedDrafts;
    for (let i = 0; i < verifiedDrafts; i++) {
      this.verified[i] = (this.verified[i] ?? 0) + 1;
      if (i < acceptedDrafts) this.accepted[i] = (this.accepted[i] ?? 0) + 1;
    }
  }

  /** Records that a step took a proactive branch, and how many of its drafts were accepted. */
  recordBranch(acceptedDrafts: number): void {
    this.branchSteps++;
    this.branchAcceptedDrafts += acceptedDrafts;
  }

  add(other: StatisticsRecorder): void {
    this.branchSteps += other.branchSteps;
    this.branchAcceptedDrafts += other.branchAcceptedDrafts;
    this.steps += other.steps;
    this.tokens += other.tokens;
    this.acceptedDrafts += other.acceptedDrafts;
    this.providerMs += other.providerMs;
    this.totalMs += other.totalMs;
    for (let i = 0; i < other.verified.length; i++) {
      this.verified[i] = (this.verified[i] ?? 0) + (other.verified[i] ?? 0);
      this.accepted[i] = (this.accepted[i] ?? 0) + (other.accepted[i] ?? 0);
    }
    for (const [window, steps] of other.windows) {
      this.windows.set(window, (this.windows.get(window) ?? 0) + steps);
    }
  }

  summary(): DecodingStatistics {
    const acceptanceByPosition: (number | null)[] = [];
    for (let i = 0; i < this.verified.length; i++) {
      const v = this.verified[i] ?? 0;
      acceptanceByPosition.push(v === 0 ? null : (this.accepted[i] ?? 0) / v);
    }
    return {
      steps: this.steps,
      tokens: this.tokens,
      stepCompression: this.steps === 0 ? 0 : this.tokens / this.steps,
      meanAcceptedDrafts: this.steps === 0 ? 0 : this.acceptedDrafts / this.steps,
      acceptanceByPosition,
      verifiedByPosition: this.verified.map((v) => v ?? 0),
      acceptedByPosition: this.verified.map((_, i) => this.accepted[i] ?? 0),
      windowSteps: [...this.windows].sort((a, b) => a[0] - b[0]),
      branchSteps: this.branchSteps,
      branchAcceptedDrafts: this.branchAcceptedDrafts,
      providerMs: this.providerMs,
      coreMs: Math.max(0, this.totalMs - this.providerMs),
      totalMs: this.totalMs,
    };
  }
}
