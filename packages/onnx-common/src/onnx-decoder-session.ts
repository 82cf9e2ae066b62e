import type { LogitsSession } from '@sjd/core';
import { type CacheStrategy, KvCache } from '@sjd/core';
import type { InferenceSession } from 'onnxruntime-common';
import { type ForwardRequest, runForward } from './batched-forward.js';
import type { OnnxRuntime } from './onnx-runtime.js';

/**
 * Runs one session's forward pass: alone, or merged with other sessions' by a
 * `ForwardBatcher`. Resolves with the logits of each row's appended positions.
 */
export type Forward = (request: ForwardRequest, signal?: AbortSignal) => Promise<Float32Array[]>;

/** What a session needs to know about the decoder graph. */
export interface DecoderShape {
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly padToken: number;
}

/**
 * A model state for a decoder in the Optimum / transformers.js interface (`input_ids`,
 * `attention_mask`, `position_ids`, `past_key_values.{i}.key|value` → `logits`,
 * `present.{i}.key|value`): the rows' key/value cache across forward passes, held in
 * JavaScript memory whatever the execution provider. Rows are left-padded to equal length
 * (padding is never attended, position ids count real tokens only), so classifier-free
 * guidance's two rows run in one batch. Rejected drafts leave it by `truncate`
 * (see the core's `KvCache` for trimming vs masking); `adoptRows` copies a branch's kept
 * slots between rows (SJD's proactive branches).
 */
export class OnnxDecoderSession implements LogitsSession {
  readonly rows: number;
  private readonly cache: KvCache;
  private disposed = false;

  private constructor(
    private readonly forward: Forward,
    shape: DecoderShape,
    private readonly strategy: CacheStrategy,
    rows: number,
  ) {
    this.rows = rows;
    this.cache = new KvCache(rows, shape.layers, shape.kvHeads, shape.headDim);
  }

  /**
   * Opens a session and runs the prefixes through the model (one batched prefill). Its
   * forward passes run alone, or through `forward` when given (a `ForwardBatcher` that
   * merges them with other sessions').
   */
  static async open(
    runtime: OnnxRuntime,
    session: InferenceSession,
    shape: DecoderShape,
    strategy: CacheStrategy,
    prefixes: readonly Int32Array[],
    forward?: Forward,
    signal?: AbortSignal,
  ): Promise<OnnxDecoderSession> {
    const alone: Forward = async (request) =>
      (await runForward(runtime, session, shape, [request]))[0]!;
    const state = new OnnxDecoderSession(forward ?? alone, shape, strategy, prefixes.length);
    const longest = Math.max(...prefixes.map((p) => p.length));
    if (longest > 0) {
      const blocks = prefixes.map((p) => {
        const padded = new Int32Array(longest).fill(shape.padToken);
        padded.set(p, longest - p.length);
        return padded;
      });
      const attend = prefixes.map((p) =>
        Array.from({ length: longest }, (_, i) => (i < longest - p.length ? 0 : 1)),
      );
      await state.run(blocks, attend, signal);
    }
    return state;
  }

  get length(): number {
    return this.cache.length;
  }

  async evaluate(
    blocks: readonly Int32Array[],
    options?: { signal?: AbortSignal },
  ): Promise<Float32Array[]> {
    options?.signal?.throwIfAborted();
    const size = blocks[0]!.length;
    return this.run(
      blocks,
      blocks.map(() => new Array<number>(size).fill(1)),
      options?.signal,
    );
  }

  async truncate(length: number): Promise<void> {
    this.cache.truncate(length, this.strategy);
  }

  /**
   * Copies only the kept slots between rows (see `KvCache.adoptRows`), in place, also when
   * the cache is a view of a `ForwardBatcher`'s merged output.
   */
  async adoptRows(source: readonly number[], count: number): Promise<void> {
    if (this.disposed) throw new Error('OnnxDecoderSession: used after dispose');
    this.cache.adoptRows(source, count);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.cache.tensors = [];
  }

  private async run(
    blocks: readonly Int32Array[],
    attend: readonly number[][],
    signal?: AbortSignal,
  ): Promise<Float32Array[]> {
    if (this.disposed) throw new Error('OnnxDecoderSession: used after dispose');
    return this.forward({ cache: this.cache, blocks, attend }, signal);
  }
}
