import type { ImageLayout } from './image-layout.js';

/**
 * The specification every model backend implements. `@sjd/core`'s decoders are written
 * once against it; backends (onnxruntime-node, onnxruntime-web, the testing providers)
 * implement it. Version `v1`.
 *
 * A provider is a loaded model. It opens a {@link LogitsSession} per generated image: a
 * model state (a KV cache, for a transformer) holding committed tokens for one or more
 * rows that advance together — one row for plain sampling, two for classifier-free
 * guidance (conditional row first, unconditional second) so that both cost one forward
 * pass.
 */
export interface LogitsProvider {
  /** Which version of this specification the provider implements. */
  readonly specificationVersion: 'v1';
  /** A short name for logs, e.g. `onnxruntime-node/cpu`. */
  readonly providerId: string;
  /** Length of every logits vector the provider returns. */
  readonly vocabSize: number;
  /**
   * Optional: prompt token ids lie in `[0, promptVocabSize)`. Defaults to `vocabSize`; a
   * model whose text vocabulary differs from the vocabulary it samples (Janus: 102 400 text
   * ids, 16 384 image codes) states it here.
   */
  readonly promptVocabSize?: number;
  /** How the model lays out the image it generates. */
  readonly layout: ImageLayout;
  /**
   * Opens a model state whose rows hold the given prefixes (token ids, already committed).
   * Prefixes may differ in length; a provider that batches them pads internally, and
   * {@link LogitsSession.length} counts the padded length. The decoders pass each row's
   * prompt without its last token: that token opens the row's first block (each row its
   * own, so the rows' prompts may end differently), so the first forward pass already
   * verifies drafts. Every later block position holds an image token.
   */
  openSession(options: OpenSessionOptions): Promise<LogitsSession>;
  /**
   * Optional: the cost of one forward pass over a block of `blockLength` tokens relative to
   * a block of one, `t(n) / t(1)`, as measured or known by the backend. The automatic SJD
   * window uses it; without it the core assumes `1 + (n − 1) / 32`. Must be deterministic
   * for a given provider instance, so that a seed keeps reproducing its tokens.
   */
  relativeCost?(blockLength: number): number;
}

export interface OpenSessionOptions {
  /** One prefix per row. At least one row; every id in `[0, promptVocabSize)`. */
  readonly prefixes: readonly Int32Array[];
  /** Aborts the prefill. */
  readonly signal?: AbortSignal;
}

/**
 * A model state for one generation. Not safe for concurrent calls: the decoder awaits
 * each call before the next. Always disposed by the decoder, also on error or abort.
 */
export interface LogitsSession {
  /**
   * Number of rows (1, or 2 with classifier-free guidance; SJD's proactive branches open
   * `1 + branches` copies of those, see {@link adoptRows}).
   */
  readonly rows: number;
  /** Tokens held per row (all rows advance together), including any internal padding. */
  readonly length: number;
  /**
   * One forward pass: appends `blocks[r]` after row r's tokens and returns, per row, the
   * logits of every appended position, `block.length × vocabSize` floats (position-major).
   * Logits at position i predict the token after `blocks[r][i]`. All blocks have the same
   * length ≥ 1; each row's block is an array of its own. The appended tokens stay in the
   * state until {@link truncate} drops them. The returned arrays are read before the next
   * call, so a provider may reuse them.
   */
  evaluate(
    blocks: readonly Int32Array[],
    options?: { signal?: AbortSignal },
  ): Promise<Float32Array[]>;
  /**
   * Drops every token after the first `length` (rejected drafts must leave no trace).
   * `length` is between the length at session start and the current length.
   */
  truncate(length: number): Promise<void>;
  /**
   * Optional extension (SJD-PAC proactive drafting, `decoding.branches`): row r's last
   * `count` tokens become a copy of row `source[r]`'s last `count` tokens (their keys and
   * values, for a transformer), for every row at once: all reads happen before any write, and
   * `source[r] === r` leaves row r as it is. `source.length === rows`; `count` is at most the
   * tokens appended since the session opened. Afterwards row r behaves exactly as if it had
   * been fed row `source[r]`'s tokens: its next logits equal those of a fresh session fed that
   * path. The decoder adopts only between rows opened on the same prefix (so the same
   * padding), and only tokens fed in one block at the same positions, which is what lets a
   * cache copy just the kept slots. Sessions without it cannot run `decoding.branches > 0`
   * (the decoder refuses with an `InvalidArgumentError` naming `decoding.branches`).
   */
  adoptRows?(source: readonly number[], count: number): Promise<void>;
  /** Releases the state's memory. Idempotent. */
  dispose(): Promise<void>;
}
