import { ProviderContractError } from '../errors/provider-contract-error.js';
import type { TargetChain } from '../processing/logits-chain.js';
import { type ImageLayout, sequenceLength } from '../provider/image-layout.js';
import type { LogitsSession } from '../provider/logits-provider.js';
import type { SeededRandom } from '../random/seeded-random.js';
import type { StatisticsRecorder } from '../stats/statistics-recorder.js';

/** One decoding step's outcome, as the decoders report it. */
export interface StepOutcome {
  /** Image-sequence position of the first committed token. */
  readonly start: number;
  /** Tokens committed by this step (at least one). */
  readonly tokens: Int32Array;
  /** Drafts that were verified (up to and including the first rejection). */
  readonly verifiedDrafts: number;
  /** Drafts accepted. */
  readonly acceptedDrafts: number;
}

/**
 * The state of one image being decoded: its model session, the committed image tokens,
 * the RNG and the statistics. Decoders drive it one forward pass at a time.
 *
 * Cache discipline: the session holds every committed token except the last one (the
 * "pending" token), which is fed first in the next block. After a forward pass the decoder
 * keeps the pending token plus the accepted drafts and drops the rest. Before the first
 * image token each row's pending token is that row's own last prompt token (the
 * conditional and unconditional prompts may end differently); from then on every row is fed
 * the same committed image tokens, each row in a block of its own.
 *
 * Groups (SJD's proactive branches): the session may hold `groups` copies of the prompt
 * rows over the same prefix, group g in rows `g·groupRows …`. Each group can be fed drafts
 * of its own in the same forward pass; {@link keep} then makes every group hold the kept
 * tokens of one group (`LogitsSession.adoptRows`).
 */
export class DecodeContext {
  readonly layout: ImageLayout;
  readonly vocabSize: number;
  readonly chain: TargetChain;
  readonly random: SeededRandom;
  readonly stats: StatisticsRecorder;
  readonly signal: AbortSignal | undefined;
  readonly length: number;
  readonly committed: Int32Array;
  /** Copies of the prompt rows the session holds (1 unless SJD runs proactive branches). */
  readonly groups: number;
  /** Rows per group: 1, or 2 with classifier-free guidance. */
  readonly groupRows: number;
  /** Number of committed image tokens. */
  count = 0;
  /** Last committed token, not yet in the session (row 0's last prompt token before the first). */
  pending: number;
  private readonly session: LogitsSession;
  /** Each row's last prompt token until the first image token is committed, then null. */
  private promptEnds: readonly number[] | null;

  constructor(options: {
    session: LogitsSession;
    layout: ImageLayout;
    vocabSize: number;
    chain: TargetChain;
    random: SeededRandom;
    stats: StatisticsRecorder;
    /** Each group row's last prompt token, fed first in that row's first block. */
    promptEnds: readonly number[];
    /** Copies of the prompt rows in the session (default 1). */
    groups?: number;
    signal?: AbortSignal | undefined;
  }) {
    this.session = options.session;
    this.layout = options.layout;
    this.vocabSize = options.vocabSize;
    this.chain = options.chain;
    this.random = options.random;
    this.stats = options.stats;
    this.signal = options.signal;
    this.groups = options.groups ?? 1;
    this.groupRows = options.promptEnds.length;
    if (this.groupRows * this.groups !== options.session.rows) {
      throw new ProviderContractError({
        field: 'rows',
        message: `the session has ${options.session.rows} row(s) for ${this.groups} × ${this.groupRows} prompt(s)`,
      });
    }
    this.promptEnds = Array.from(
      { length: options.session.rows },
      (_, r) => options.promptEnds[r % this.groupRows]!,
    );
    this.pending = options.promptEnds[0]!;
    this.length = sequenceLength(options.layout);
    this.committed = new Int32Array(this.length);
  }

  get remaining(): number {
    return this.length - this.count;
  }

  /**
   * Feeds `[pending, ...drafts]` to every row in one forward pass (each row its own block
   * array, opening with its own pending token) and returns the per-row logits, checked
   * against the contract. Group g ≥ 1 is fed `branches[g − 1]` instead where given (as many
   * tokens as `drafts`). `sessionLengthBefore` lets the caller truncate.
   */
  async forward(
    drafts: ArrayLike<number>,
    branches: readonly ArrayLike<number>[] = [],
  ): Promise<{ logits: Float32Array[]; sessionLengthBefore: number }> {
    this.signal?.throwIfAborted();
    const rows = this.session.rows;
    const blocks = new Array<Int32Array>(rows);
    for (let r = 0; r < rows; r++) {
      const group = Math.floor(r / this.groupRows);
      const fed = (group > 0 ? branches[group - 1] : undefined) ?? drafts;
      const block = new Int32Array(drafts.length + 1);
      block[0] = this.promptEnds ? this.promptEnds[r]! : this.pending;
      for (let i = 0; i < drafts.length; i++) block[i + 1] = fed[i]!;
      blocks[r] = block;
    }
    const block = blocks[0]!;
    const sessionLengthBefore = this.session.length;
    const started = performance.now();
    const logits = await this.session.evaluate(
      blocks,
      this.signal ? { signal: this.signal } : undefined,
    );
    this.stats.providerMs += performance.now() - started;
    const expected = block.length * this.vocabSize;
    if (!Array.isArray(logits) || logits.length !== rows) {
      throw new ProviderContractError({
        field: 'evaluate',
        message: `expected logits for ${rows} row(s), got ${Array.isArray(logits) ? logits.length : typeof logits}`,
      });
    }
    for (let r = 0; r < rows; r++) {
      const row = logits[r];
      if (!(row instanceof Float32Array) || row.length !== expected) {
        throw new ProviderContractError({
          field: 'logits',
          message: `row ${r}: expected Float32Array of ${block.length} × ${this.vocabSize} = ${expected}, got ${row instanceof Float32Array ? row.length : typeof row}`,
        });
      }
    }
    return { logits, sessionLengthBefore };
  }

  /** Group g's rows of a forward pass's logits (the rows a target chain reads). */
  groupLogits(logits: readonly Float32Array[], group: number): Float32Array[] {
    return logits.slice(group * this.groupRows, (group + 1) * this.groupRows);
  }

  /**
   * Keeps the first `keep` tokens of the block just fed (pending + accepted drafts), those
   * of group `from`'s block in every group. The pending token is the same in every group, so
   * only the `keep − 1` tokens after it are copied.
   */
  async keep(sessionLengthBefore: number, keep: number, from = 0): Promise<void> {
    const target = sessionLengthBefore + keep;
    const started = performance.now();
    if (this.session.length !== target) await this.session.truncate(target);
    if (this.groups > 1 && keep > 1) {
      const source = Array.from(
        { length: this.session.rows },
        (_, r) => from * this.groupRows + (r % this.groupRows),
      );
      await this.session.adoptRows!(source, keep - 1);
    }
    this.stats.providerMs += performance.now() - started;
  }

  /** Commits tokens and records the step. */
  commit(tokens: ArrayLike<number>, verifiedDrafts: number, acceptedDrafts: number): StepOutcome {
    const start = this.count;
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      out[i] = tokens[i]!;
      this.committed[this.count++] = tokens[i]!;
    }
    this.pending = out[out.length - 1]!;
    this.promptEnds = null;
    this.stats.recordStep(out.length, verifiedDrafts, acceptedDrafts);
    return { start, tokens: out, verifiedDrafts, acceptedDrafts };
  }
}
