import type { KvCache } from '@sjd/core';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { DecoderShape } from './onnx-decoder-session.js';
import type { OnnxRuntime } from './onnx-runtime.js';

/**
 * One session's share of a forward pass: append `blocks[r]` (all the same length) after
 * row r's cached tokens; `attend[r][i]` is 0 for a padding token inside the block (a
 * left-padded prefill), 1 otherwise.
 */
export interface ForwardRequest {
  readonly cache: KvCache;
  readonly blocks: readonly Int32Array[];
  readonly attend: readonly number[][];
}

/**
 * Runs the requests of one or more sessions as ONE decoder call and appends each request's
 * new keys and values to its own cache; returns, per request and row, the logits of the
 * appended positions (`block.length × vocabSize`, position-major).
 *
 * Layout of the merged batch (rows of all requests stacked, `B` rows): every row's past is
 * left-padded to the longest past `P` (attention mask 0 over the padding), every block is
 * right-padded to the longest block `S` (pad token, position 0, mask 0; causality keeps the
 * real tokens from seeing it). Position ids count each row's own attended tokens, so a row
 * sees exactly the keys, values and positions it would see alone: only float rounding
 * inside onnxruntime's kernels (other matrix shapes) can differ.
 *
 * A single request runs without copies (its cache is the graph's past; `present` becomes
 * its cache). Merged requests cost one copy of each row's past into the batch and one copy
 * of its present back, unless its past already spans `P` (then the copy in is one block)
 * and its block spans `S` (then the present is kept as a view, no copy).
 */
export async function runForward(
  runtime: OnnxRuntime,
  session: InferenceSession,
  shape: DecoderShape,
  requests: readonly ForwardRequest[],
): Promise<Float32Array[][]> {
  const { layers, kvHeads, headDim, vocabSize, padToken } = shape;
  const heads = kvHeads;
  const rowsOf = requests.map((q) => q.blocks.length);
  const batch = rowsOf.reduce((a, b) => a + b, 0);
  const past = Math.max(...requests.map((q) => q.cache.slots));
  const size = Math.max(...requests.map((q) => q.blocks[0]!.length));
  const width = past + size;
  const inputIds = new BigInt64Array(batch * size).fill(BigInt(padToken));
  const positionIds = new BigInt64Array(batch * size);
  const mask = new BigInt64Array(batch * width);
  let g = 0;
  for (const q of requests) {
    const { cache } = q;
    const lead = past - cache.slots;
    for (let r = 0; r < q.blocks.length; r++, g++) {
      let position = cache.nextPosition(r);
      const rowAttend = cache.attend[r]!;
      const base = g * width + lead;
      for (let s = 0; s < cache.slots; s++) mask[base + s] = BigInt(rowAttend[s]!);
      const block = q.blocks[r]!;
      const blockAttend = q.attend[r]!;
      for (let i = 0; i < block.length; i++) {
        inputIds[g * size + i] = BigInt(block[i]!);
        const a = blockAttend[i]!;
        mask[g * width + past + i] = BigInt(a);
        positionIds[g * size + i] = BigInt(a ? position : 0);
        position += a;
      }
    }
  }
  const single = requests.length === 1;
  const { Tensor: OrtTensor } = runtime;
  const feeds: Record<string, Tensor> = {
    input_ids: new OrtTensor('int64', inputIds, [batch, size]),
    attention_mask: new OrtTensor('int64', mask, [batch, width]),
    position_ids: new OrtTensor('int64', positionIds, [batch, size]),
  };
  for (let t = 0; t < layers * 2; t++) {
    const name = `past_key_values.${t >> 1}.${t & 1 ? 'value' : 'key'}`;
    const data = single
      ? requests[0]!.cache.tensors[t]!
      : gatherPast(requests, t, past, heads, headDim);
    feeds[name] = new OrtTensor('float32', data, [batch, heads, past, headDim]);
  }
  const outputs = await session.run(feeds);
  const present: Float32Array[] = [];
  for (let l = 0; l < layers; l++) {
    present.push(
      outputs[`present.${l}.key`]!.data as Float32Array,
      outputs[`present.${l}.value`]!.data as Float32Array,
    );
  }
  const logitsTensor = outputs['logits']!;
  for (const tensor of Object.values(outputs)) if (tensor !== logitsTensor) tensor.dispose();
  const logits = logitsTensor.data as Float32Array;
  const results: Float32Array[][] = [];
  g = 0;
  for (const q of requests) {
    const rows = q.blocks.length;
    const added = q.blocks[0]!.length;
    const kept = single
      ? present
      : present.map((p) =>
          scatterPresent(p, g, rows, past, size, q.cache.slots, added, heads, headDim),
        );
    q.cache.append(kept, added, q.attend);
    const perRow = size * vocabSize;
    const rowLogits: Float32Array[] = [];
    for (let r = 0; r < rows; r++, g++) {
      rowLogits.push(logits.subarray(g * perRow, g * perRow + added * vocabSize));
    }
    results.push(rowLogits);
  }
  return results;
}

/** Layer tensor `t` of every request, each row's slots right-aligned in `past` slots. */
function gatherPast(
  requests: readonly ForwardRequest[],
  t: number,
  past: number,
  heads: number,
  headDim: number,
): Float32Array {
  const rows = requests.reduce((n, q) => n + q.blocks.length, 0);
  const dst = new Float32Array(rows * heads * past * headDim);
  let offset = 0;
  for (const q of requests) {
    const slots = q.cache.slots;
    const src = q.cache.tensors[t]!;
    const count = q.blocks.length * heads;
    if (slots === past) {
      dst.set(src.subarray(0, count * slots * headDim), offset);
    } else if (slots > 0) {
      const lead = (past - slots) * headDim;
      for (let bh = 0; bh < count; bh++) {
        dst.set(
          src.subarray(bh * slots * headDim, (bh + 1) * slots * headDim),
          offset + bh * past * headDim + lead,
        );
      }
    }
    offset += count * past * headDim;
  }
  return dst;
}

/**
 * A request's rows of a merged `present` tensor (`[batch, heads, past + size, headDim]`),
 * without the left padding before its past and the right padding after its block.
 */
function scatterPresent(
  present: Float32Array,
  firstRow: number,
  rows: number,
  past: number,
  size: number,
  slots: number,
  added: number,
  heads: number,
  headDim: number,
): Float32Array {
  const width = past + size;
  const from = firstRow * heads * width * headDim;
  const count = rows * heads;
  if (slots === past && added === size) {
    return present.subarray(from, from + count * width * headDim);
  }
  const kept = slots + added;
  const dst = new Float32Array(count * kept * headDim);
  const lead = (past - slots) * headDim;
  for (let bh = 0; bh < count; bh++) {
    const start = from + bh * width * headDim + lead;
    dst.set(present.subarray(start, start + kept * headDim), bh * kept * headDim);
  }
  return dst;
}
