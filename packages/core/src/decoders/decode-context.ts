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
    /** Each row's last prompt token, fed first in that row's first block. */
    promptEnds: readonly number[];
    signal?: AbortSignal | undefined;
  }) {
    this.session = options.session;
    this.layout = options.layout;
    this.vocabSize = options.vocabSize;
    this.chain = options.chain;
    this.random = options.random;
    this.stats = options.stats;
    this.signal = options.signal;
    if (options.promptEnds.length !== options.session.rows) {
      throw new ProviderContractError({
        field: 'rows',
        message: `the session has ${options.session.rows} row(s) for ${options.promptEnds.length} prompt(s)`,
      });
    }
    this.promptEnds = options.promptEnds;
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
   * against the contract. `sessionLengthBefore` lets the caller truncate.
   */
  async forward(
    drafts: ArrayLike<number>,
  ): Promise<{ logits: Float32Array[]; sessionLengthBefore: number }> {
    this.signal?.throwIfAborted();
    const rows = this.session.rows;
    const blocks = new Array<Int32Array>(rows);
    for (let r = 0; r < rows; r++) {
      const block = new Int32Array(drafts.length + 1);
      block[0] = this.promptEnds ? this.promptEnds[r]! : this.pending;
      for (let i = 0; i < drafts.length; i++) block[i + 1] = drafts[i]!;
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

  /** Keeps the first `keep` tokens of the block just fed (pending + accepted drafts). */
  async keep(sessionLengthBefore: number, keep: number): Promise<void> {
    const target = sessionLengthBefore + keep;
    if (this.session.length === target) return;
    const started = performance.now();
    await this.session.truncate(target);
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
