import { type CacheStrategy, KvCache, type LogitsSession } from '@sjd/core';
import type { Tensor } from 'onnxruntime-common';
import type { OnnxRuntime } from '../onnx-runtime.js';
import { float32AsHalfBits, float32ToData, halfBitsAsFloat32, tensorToFloat32 } from './float16.js';
import type { JanusGraph, JanusSessions } from './janus-graph.js';

/** What a Janus session needs from its model. */
export interface JanusParts {
  readonly runtime: OnnxRuntime;
  readonly sessions: JanusSessions;
  readonly graph: JanusGraph;
  readonly padToken: number;
  readonly imageCodes: number;
  readonly strategy: CacheStrategy;
}

/**
 * A model state of a Janus language model: the rows' key/value cache, as the Optimum decoder
 * session keeps it (left-padded rows, position ids counting real tokens, rejected drafts
 * trimmed or masked by `truncate`), but fed embeddings instead of ids:
 *
 * - the prefill (each row's prompt minus its last token) and the first block position (the
 *   prompt's last token, `<begin_of_image>`) are text: `prepare_inputs_embeds`;
 * - every later position is an image code: `gen_img_embeds`;
 * - logits are `gen_head` on the language model's hidden states (image codes only).
 *
 * So SJD's drafts are embedded and verified in the same forward pass, and classifier-free
 * guidance's two rows run in one batch.
 */
export class JanusLogitsSession implements LogitsSession {
  readonly rows: number;
  private readonly cache: KvCache;
  /** Slots before the first image token: the padded prefix plus the pending prompt token. */
  private readonly textEnd: number;
  private disposed = false;

  private constructor(
    private readonly parts: JanusParts,
    rows: number,
    prefixLength: number,
  ) {
    const { graph } = parts;
    this.rows = rows;
    this.cache = new KvCache(rows, graph.layers, graph.kvHeads, graph.headDim);
    this.textEnd = prefixLength + 1;
  }

  /** Opens a state holding the prefixes (left-padded with the pad id; one prefill pass). */
  static async open(
    parts: JanusParts,
    prefixes: readonly Int32Array[],
    signal?: AbortSignal,
  ): Promise<JanusLogitsSession> {
    const longest = Math.max(...prefixes.map((p) => p.length));
    const state = new JanusLogitsSession(parts, prefixes.length, longest);
    if (longest > 0) {
      const blocks = prefixes.map((p) => {
        const padded = new Int32Array(longest).fill(parts.padToken);
        padded.set(p, longest - p.length);
        return padded;
      });
      const attend = prefixes.map((p) =>
        Array.from({ length: longest }, (_, i) => (i < longest - p.length ? 0 : 1)),
      );
      signal?.throwIfAborted();
      await state.run(blocks, attend, false);
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
    const attend = blocks.map(() => new Array<number>(size).fill(1));
    return (await this.run(blocks, attend, true))!;
  }

  async truncate(length: number): Promise<void> {
    this.cache.truncate(length, this.parts.strategy);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.cache.tensors = [];
  }

  /** Embeds the blocks, runs the language model, appends to the cache; logits if asked. */
  private async run(
    blocks: readonly Int32Array[],
    attend: readonly number[][],
    wantLogits: boolean,
  ): Promise<Float32Array[] | null> {
    if (this.disposed) throw new Error('JanusLogitsSession: used after dispose');
    const { runtime, sessions, graph } = this.parts;
    const { cache } = this;
    const rows = blocks.length;
    const size = blocks[0]!.length;
    const past = cache.slots;
    const embeds = await this.embed(blocks, cache.length);
    const mask = new BigInt64Array(rows * (past + size));
    const positions = new BigInt64Array(rows * size);
    for (let r = 0; r < rows; r++) {
      let position = cache.nextPosition(r);
      const rowAttend = cache.attend[r]!;
      for (let s = 0; s < past; s++) mask[r * (past + size) + s] = BigInt(rowAttend[s]!);
      for (let i = 0; i < size; i++) {
        const a = attend[r]![i]!;
        mask[r * (past + size) + past + i] = BigInt(a);
        positions[r * size + i] = BigInt(a ? position : 0);
        position += a;
      }
    }
    const { Tensor: OrtTensor } = runtime;
    const hiddenSize = embeds.length / (rows * size);
    const feeds: Record<string, Tensor> = {
      [graph.embeds]: new OrtTensor(graph.embedsType, float32ToData(embeds, graph.embedsType), [
        rows,
        size,
        hiddenSize,
      ]),
      attention_mask: new OrtTensor('int64', mask, [rows, past + size]),
    };
    if (graph.positionIds) feeds['position_ids'] = new OrtTensor('int64', positions, [rows, size]);
    const shape = [rows, graph.kvHeads, past, graph.headDim];
    for (let t = 0; t < graph.layers * 2; t++) {
      const name = `past_key_values.${t >> 1}.${t & 1 ? 'value' : 'key'}`;
      const kv = cache.tensors[t]!;
      const data = graph.kvType === 'float16' ? float32AsHalfBits(kv) : kv;
      feeds[name] = new OrtTensor(graph.kvType, data, shape);
    }
    const outputs = await sessions.language_model.session.run(feeds);
    const present: Float32Array[] = [];
    for (let l = 0; l < graph.layers; l++) {
      for (const kind of ['key', 'value']) {
        const tensor = outputs[`present.${l}.${kind}`]!;
        // float16 caches are kept as their bits (see halfBitsAsFloat32)
        present.push(
          graph.kvType === 'float16' ? halfBitsAsFloat32(tensor) : tensorToFloat32(tensor),
        );
      }
    }
    cache.append(present, size, attend);
    let hidden = outputs[graph.hidden]!;
    if (hidden.type !== graph.headInputType) {
      // Sub-models in different dtypes (e.g. a q4f16 language model, an fp32 head).
      const data = float32ToData(tensorToFloat32(hidden), graph.headInputType);
      hidden = new runtime.Tensor(graph.headInputType, data, hidden.dims);
    }
    let result: Float32Array[] | null = null;
    if (wantLogits) {
      const headOut = await sessions.gen_head.session.run({ [graph.hidden]: hidden });
      const logitsTensor = headOut[graph.logits]!;
      const logits = tensorToFloat32(logitsTensor).slice();
      for (const tensor of Object.values(headOut)) tensor.dispose();
      const perRow = size * this.parts.imageCodes;
      if (logits.length !== rows * perRow) {
        throw new Error(
          `${sessions.gen_head.path}: returned ${logits.length} logits, expected ${rows} × ${size} × ${this.parts.imageCodes}`,
        );
      }
      result = blocks.map((_, r) => logits.subarray(r * perRow, (r + 1) * perRow));
    }
    for (const tensor of Object.values(outputs)) {
      if (!(tensor.type === 'float32' && present.includes(tensor.data as Float32Array)))
        tensor.dispose();
    }
    return result;
  }

  /**
   * Embeddings `[rows, size, hidden]` (float32) of a block that follows `committed` tokens
   * (live slots: masked rejected drafts do not count): text positions through
   * prepare_inputs_embeds, image positions through gen_img_embeds.
   */
  private async embed(blocks: readonly Int32Array[], committed: number): Promise<Float32Array> {
    const rows = blocks.length;
    const size = blocks[0]!.length;
    const text = Math.max(0, Math.min(size, this.textEnd - committed));
    const parts: { data: Float32Array; width: number }[] = [];
    if (text > 0) parts.push({ data: await this.embedText(blocks, 0, text), width: text });
    if (text < size) {
      parts.push({ data: await this.embedImage(blocks, text, size), width: size - text });
    }
    if (parts.length === 1) return parts[0]!.data;
    const hiddenSize = parts[0]!.data.length / (rows * parts[0]!.width);
    const out = new Float32Array(rows * size * hiddenSize);
    for (let r = 0; r < rows; r++) {
      let at = r * size * hiddenSize;
      for (const { data, width } of parts) {
        const n = width * hiddenSize;
        out.set(data.subarray(r * n, (r + 1) * n), at);
        at += n;
      }
    }
    return out;
  }

  private async embedText(blocks: readonly Int32Array[], from: number, to: number) {
    const { runtime, sessions, graph } = this.parts;
    const { session } = sessions.prepare_inputs_embeds;
    const rows = blocks.length;
    const width = to - from;
    const ids = new BigInt64Array(rows * width);
    for (let r = 0; r < rows; r++)
      for (let i = 0; i < width; i++) ids[r * width + i] = BigInt(blocks[r]![from + i]!);
    const feeds: Record<string, Tensor> = {
      input_ids: new runtime.Tensor('int64', ids, [rows, width]),
    };
    // No image in a text-to-image prompt: empty image inputs, as transformers.js feeds them.
    for (const m of session.inputMetadata) {
      if (m.name === 'input_ids') continue;
      const dims = m.isTensor ? m.shape : [];
      if (m.name === 'images_seq_mask') {
        feeds[m.name] = new runtime.Tensor('bool', new Uint8Array(rows * width), [rows, width]);
      } else if (m.name === 'images_emb_mask') {
        const tokens = typeof dims[2] === 'number' ? dims[2] : 0;
        feeds[m.name] = new runtime.Tensor('bool', new Uint8Array(0), [rows, 0, tokens]);
      } else if (m.name === 'pixel_values') {
        const shape = [rows, 0, ...dims.slice(2).map((d) => (typeof d === 'number' ? d : 1))];
        const type = m.isTensor && m.type === 'float16' ? 'float16' : 'float32';
        const data = type === 'float16' ? new Uint16Array(0) : new Float32Array(0);
        feeds[m.name] = new runtime.Tensor(type, data, shape);
      }
    }
    const out = await session.run(feeds);
    const data = tensorToFloat32(out[graph.embeds]!);
    for (const tensor of Object.values(out)) if (tensor.data !== data) tensor.dispose();
    return data;
  }

  private async embedImage(blocks: readonly Int32Array[], from: number, to: number) {
    const { runtime, sessions, graph, imageCodes } = this.parts;
    const rows = blocks.length;
    const width = to - from;
    const ids = new BigInt64Array(rows * width);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < width; i++) {
        const code = blocks[r]![from + i]!;
        if (!(code >= 0 && code < imageCodes)) {
          throw new RangeError(
            `block ${r}, position ${from + i}: image code ${code} is outside [0, ${imageCodes - 1}]`,
          );
        }
        ids[r * width + i] = BigInt(code);
      }
    }
    const out = await sessions.gen_img_embeds.session.run({
      [graph.imageIds]: new runtime.Tensor('int64', ids, [rows, width]),
    });
    const data = tensorToFloat32(out[graph.embeds]!);
    for (const tensor of Object.values(out)) if (tensor.data !== data) tensor.dispose();
    return data;
  }
}
