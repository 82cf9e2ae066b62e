import type { LogitsSession } from '@sjd/core';
import { type CacheStrategy, KvCache } from '@sjd/core';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { OnnxRuntime } from './onnx-runtime.js';

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
 * (see the core's `KvCache` for trimming vs masking).
 */
export class OnnxDecoderSession implements LogitsSession {
  readonly rows: number;
  private readonly cache: KvCache;
  private disposed = false;

  private constructor(
    private readonly runtime: OnnxRuntime,
    private readonly session: InferenceSession,
    private readonly shape: DecoderShape,
    private readonly strategy: CacheStrategy,
    rows: number,
  ) {
    this.rows = rows;
    this.cache = new KvCache(rows, shape.layers, shape.kvHeads, shape.headDim);
  }

  /** Opens a session and runs the prefixes through the model (one batched prefill). */
  static async open(
    runtime: OnnxRuntime,
    session: InferenceSession,
    shape: DecoderShape,
    strategy: CacheStrategy,
    prefixes: readonly Int32Array[],
  ): Promise<OnnxDecoderSession> {
    const state = new OnnxDecoderSession(runtime, session, shape, strategy, prefixes.length);
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
      await state.run(blocks, attend);
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
    const logits = await this.run(
      blocks,
      blocks.map(() => new Array<number>(size).fill(1)),
    );
    const perRow = size * this.shape.vocabSize;
    return blocks.map((_, r) => logits.subarray(r * perRow, (r + 1) * perRow));
  }

  async truncate(length: number): Promise<void> {
    this.cache.truncate(length, this.strategy);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.cache.tensors = [];
  }

  private async run(
    blocks: readonly Int32Array[],
    attend: readonly number[][],
  ): Promise<Float32Array> {
    if (this.disposed) throw new Error('OnnxDecoderSession: used after dispose');
    const { rows, cache } = this;
    const size = blocks[0]!.length;
    const past = cache.slots;
    const inputIds = new BigInt64Array(rows * size);
    const positionIds = new BigInt64Array(rows * size);
    const mask = new BigInt64Array(rows * (past + size));
    for (let r = 0; r < rows; r++) {
      let position = cache.nextPosition(r);
      const rowAttend = cache.attend[r]!;
      for (let s = 0; s < past; s++) mask[r * (past + size) + s] = BigInt(rowAttend[s]!);
      for (let i = 0; i < size; i++) {
        inputIds[r * size + i] = BigInt(blocks[r]![i]!);
        const a = attend[r]![i]!;
        mask[r * (past + size) + past + i] = BigInt(a);
        positionIds[r * size + i] = BigInt(a ? position : 0);
        position += a;
      }
    }
    const { Tensor: OrtTensor } = this.runtime;
    const feeds: Record<string, Tensor> = {
      input_ids: new OrtTensor('int64', inputIds, [rows, size]),
      attention_mask: new OrtTensor('int64', mask, [rows, past + size]),
      position_ids: new OrtTensor('int64', positionIds, [rows, size]),
    };
    const { layers, kvHeads, headDim } = this.shape;
    for (let l = 0; l < layers; l++) {
      feeds[`past_key_values.${l}.key`] = new OrtTensor('float32', cache.tensors[2 * l]!, [
        rows,
        kvHeads,
        past,
        headDim,
      ]);
      feeds[`past_key_values.${l}.value`] = new OrtTensor('float32', cache.tensors[2 * l + 1]!, [
        rows,
        kvHeads,
        past,
        headDim,
      ]);
    }
    const outputs = await this.session.run(feeds);
    const present: Float32Array[] = [];
    for (let l = 0; l < layers; l++) {
      present.push(
        outputs[`present.${l}.key`]!.data as Float32Array,
        outputs[`present.${l}.value`]!.data as Float32Array,
      );
    }
    cache.append(present, size, attend);
    const logits = outputs['logits']!;
    for (const tensor of Object.values(outputs)) if (tensor !== logits) tensor.dispose();
    return logits.data as Float32Array;
  }
}
