import type { KvCache } from '@sjd/core';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { ForwardBuffers } from './forward-batcher-buffers.js';
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

/** How many passes each layout served (see {@link runForward}). */
export interface LayoutCounts {
  alone: number;
  reused: number;
  stacked: number;
  compacted: number;
}

/** Dead slots a merged batch may carry before a pass copies it compact again. */
function tooSparse(slots: number, maxLive: number): boolean {
  return slots > 1.5 * maxLive + 32;
}

/**
 * Runs the requests of one or more sessions as ONE decoder call and appends each request's
 * new keys and values to its own cache; returns, per request and row, the logits of the
 * appended positions (`block.length × vocabSize`, position-major).
 *
 * A single request whose cache is its own runs as before batching: its cache is the
 * graph's past and `present` becomes its cache, no copies.
 *
 * Merged requests (rows of all requests stacked, `B` rows): every block is right-padded to
 * the longest block `S` (pad token, position 0, mask 0; causality keeps the real tokens
 * from seeing it). Position ids count each row's own attended tokens, and the mask hides
 * every slot a row does not attend, so a row sees exactly the keys, values and positions it
 * would see alone: only float rounding inside onnxruntime's kernels (other matrix shapes)
 * can differ. Afterwards each cache holds a view of its rows of the merged `present` (no
 * copy), its padding and, after `truncate`, its rejected drafts masked out. Three layouts
 * for the merged past, the cheapest that applies:
 * - reused: the same requests in the same order as the previous merged pass, every cache
 *   still a view of its output: that output is fed back whole (no copy at all).
 * - stacked: otherwise, each cache's slots copied whole (one block per cache when it is
 *   already as wide as the widest), right-aligned in a past as wide as the widest cache;
 *   the left padding is masked.
 * - compacted: when dead slots (masked padding, rejected drafts) would pass 1.5 × the longest
 *   live length + 32, only live slots are copied, right-aligned, as wide as the longest.
 * With `buffers`, the stacked and compacted pasts are taken from it and given back after
 * the pass (their padding cleared: the values are recycled).
 */
export async function runForward(
  runtime: OnnxRuntime,
  session: InferenceSession,
  shape: DecoderShape,
  given: readonly ForwardRequest[],
  counts?: LayoutCounts,
  buffers?: ForwardBuffers,
): Promise<Float32Array[][]> {
  if (given.length === 1 && !given[0]!.cache.shared) {
    if (counts) counts.alone++;
    return [await runAlone(runtime, session, shape, given[0]!)];
  }
  // Sessions come back from a merged pass in any order (each takes its own number of
  // microtasks to submit again): put those that are views of one batch in its row order.
  const order = given.map((_, i) => i);
  const batchOf = (i: number) => given[i]!.cache.shared?.batch;
  if (order.every((i) => batchOf(i) !== undefined && batchOf(i) === batchOf(0))) {
    order.sort((a, b) => given[a]!.cache.shared!.firstRow - given[b]!.cache.shared!.firstRow);
  }
  const requests = order.map((i) => given[i]!);
  const { layers, kvHeads: heads, headDim, vocabSize, padToken } = shape;
  const batch = requests.reduce((n, q) => n + q.blocks.length, 0);
  const size = Math.max(...requests.map((q) => q.blocks[0]!.length));
  const maxLive = Math.max(...requests.map((q) => q.cache.length));
  const maxSlots = Math.max(...requests.map((q) => q.cache.slots));
  const compact = tooSparse(maxSlots, maxLive);
  const shared = compact ? null : sharedPast(requests, batch);
  const past = compact ? maxLive : maxSlots;
  if (counts) counts[shared ? 'reused' : compact ? 'compacted' : 'stacked']++;
  const width = past + size;
  const inputIds = new BigInt64Array(batch * size).fill(BigInt(padToken));
  const positionIds = new BigInt64Array(batch * size);
  const mask = new BigInt64Array(batch * width);
  const rowMasks: number[][] = [];
  const lives: number[][] = [];
  let g = 0;
  for (const q of requests) {
    const { cache } = q;
    const live = !compact
      ? [...new Array<number>(past - cache.slots).fill(0), ...cache.live]
      : [
          ...new Array<number>(past - cache.length).fill(0),
          ...new Array<number>(cache.length).fill(1),
        ];
    for (let i = 0; i < size; i++) live.push(i < q.blocks[0]!.length ? 1 : 0);
    lives.push(live);
    for (let r = 0; r < q.blocks.length; r++, g++) {
      const rowMask = new Array<number>(width).fill(0);
      const rowAttend = cache.attend[r]!;
      if (!compact) {
        const lead = past - cache.slots;
        for (let s = 0; s < cache.slots; s++) rowMask[lead + s] = rowAttend[s]!;
      } else {
        let k = past - cache.length;
        for (let s = 0; s < cache.slots; s++) if (cache.live[s]) rowMask[k++] = rowAttend[s]!;
      }
      let position = cache.nextPosition(r);
      const block = q.blocks[r]!;
      const blockAttend = q.attend[r]!;
      for (let i = 0; i < block.length; i++) {
        inputIds[g * size + i] = BigInt(block[i]!);
        const a = blockAttend[i]!;
        rowMask[past + i] = a;
        positionIds[g * size + i] = BigInt(a ? position : 0);
        position += a;
      }
      for (let s = 0; s < width; s++) if (rowMask[s]) mask[g * width + s] = 1n;
      rowMasks.push(rowMask);
    }
  }
  const { Tensor: OrtTensor } = runtime;
  const feeds: Record<string, Tensor> = {
    input_ids: new OrtTensor('int64', inputIds, [batch, size]),
    attention_mask: new OrtTensor('int64', mask, [batch, width]),
    position_ids: new OrtTensor('int64', positionIds, [batch, size]),
  };
  // A merged past copied for this pass only: its buffers go back once the pass is done.
  const copied: Float32Array[] = [];
  for (let t = 0; t < layers * 2; t++) {
    const data = shared
      ? shared.tensors[t]!
      : compact
        ? gatherLive(requests, t, past, heads, headDim, buffers)
        : stackPast(requests, t, past, heads, headDim, buffers);
    if (!shared) copied.push(data);
    feeds[`past_key_values.${t >> 1}.${t & 1 ? 'value' : 'key'}`] = new OrtTensor('float32', data, [
      batch,
      heads,
      past,
      headDim,
    ]);
  }
  const { present, logits } = await runSession(session, feeds, layers);
  if (buffers) for (const data of copied) buffers.give(data);
  const output = { tensors: present, rows: batch };
  const results = new Array<Float32Array[]>(requests.length);
  g = 0;
  requests.forEach((q, i) => {
    const rows = q.blocks.length;
    const added = q.blocks[0]!.length;
    q.cache.adopt(output, g, width, lives[i]!, rowMasks.slice(g, g + rows));
    const perRow = size * vocabSize;
    const rowLogits: Float32Array[] = [];
    for (let r = 0; r < rows; r++, g++) {
      rowLogits.push(logits.subarray(g * perRow, g * perRow + added * vocabSize));
    }
    results[order[i]!] = rowLogits;
  });
  return results;
}

/**
 * The previous merged pass's output, when these requests are exactly its rows in order and
 * every cache is still a view of it.
 */
function sharedPast(
  requests: readonly ForwardRequest[],
  batch: number,
): { readonly tensors: readonly Float32Array[] } | null {
  const first = requests[0]!.cache.shared;
  if (!first || first.batch.rows !== batch) return null;
  const slots = requests[0]!.cache.slots;
  let row = 0;
  for (const q of requests) {
    const s = q.cache.shared;
    if (!s || s.batch !== first.batch || s.firstRow !== row || q.cache.slots !== slots) return null;
    row += q.blocks.length;
  }
  return first.batch;
}

/** Layer tensor `t` of every request, each cache's slots whole, right-aligned in `past`. */
function stackPast(
  requests: readonly ForwardRequest[],
  t: number,
  past: number,
  heads: number,
  headDim: number,
  buffers: ForwardBuffers | undefined,
): Float32Array {
  const rows = requests.reduce((n, q) => n + q.blocks.length, 0);
  const dst = allocate(rows * heads * past * headDim, buffers);
  let offset = 0;
  for (const q of requests) {
    const { slots } = q.cache;
    const src = q.cache.tensors[t]!;
    const count = q.blocks.length * heads;
    if (slots === past) {
      dst.set(src.subarray(0, count * past * headDim), offset);
    } else if (slots === 0) {
      if (buffers) dst.fill(0, offset, offset + count * past * headDim);
    } else {
      const lead = (past - slots) * headDim;
      for (let bh = 0; bh < count; bh++) {
        if (buffers) dst.fill(0, offset + bh * past * headDim, offset + bh * past * headDim + lead);
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

async function runSession(
  session: InferenceSession,
  feeds: Record<string, Tensor>,
  layers: number,
): Promise<{ present: Float32Array[]; logits: Float32Array }> {
  const outputs = await session.run(feeds);
  const present: Float32Array[] = [];
  for (let l = 0; l < layers; l++) {
    present.push(
      outputs[`present.${l}.key`]!.data as Float32Array,
      outputs[`present.${l}.value`]!.data as Float32Array,
    );
  }
  const logits = outputs['logits']!;
  for (const tensor of Object.values(outputs)) if (tensor !== logits) tensor.dispose();
  return { present, logits: logits.data as Float32Array };
}

/** One session's pass on its own cache (the path without batching). */
async function runAlone(
  runtime: OnnxRuntime,
  session: InferenceSession,
  shape: DecoderShape,
  request: ForwardRequest,
): Promise<Float32Array[]> {
  const { cache, blocks, attend } = request;
  const rows = blocks.length;
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
  const { Tensor: OrtTensor } = runtime;
  const { layers, kvHeads, headDim, vocabSize } = shape;
  const feeds: Record<string, Tensor> = {
    input_ids: new OrtTensor('int64', inputIds, [rows, size]),
    attention_mask: new OrtTensor('int64', mask, [rows, past + size]),
    position_ids: new OrtTensor('int64', positionIds, [rows, size]),
  };
  for (let t = 0; t < layers * 2; t++) {
    feeds[`past_key_values.${t >> 1}.${t & 1 ? 'value' : 'key'}`] = new OrtTensor(
      'float32',
      cache.tensors[t]!,
      [rows, kvHeads, past, headDim],
    );
  }
  const { present, logits } = await runSession(session, feeds, layers);
  cache.append(present, size, attend);
  const perRow = size * vocabSize;
  return blocks.map((_, r) => logits.subarray(r * perRow, (r + 1) * perRow));
}

/**
 * Layer tensor `t` of every request: each row's live slots, in order, right-aligned in
 * `past` slots (runs of consecutive live slots copied at once).
 */
function gatherLive(
  requests: readonly ForwardRequest[],
  t: number,
  past: number,
  heads: number,
  headDim: number,
  buffers: ForwardBuffers | undefined,
): Float32Array {
  const rows = requests.reduce((n, q) => n + q.blocks.length, 0);
  const dst = allocate(rows * heads * past * headDim, buffers);
  let offset = 0;
  for (const q of requests) {
    const { slots, live } = q.cache;
    const src = q.cache.tensors[t]!;
    const count = q.blocks.length * heads;
    const runs: [number, number][] = [];
    for (let s = 0; s < slots; s++) {
      if (!live[s]) continue;
      const last = runs.at(-1);
      if (last && last[1] === s) last[1] = s + 1;
      else runs.push([s, s + 1]);
    }
    const lead = past - q.cache.length;
    for (let bh = 0; bh < count; bh++) {
      if (buffers) dst.fill(0, offset + bh * past * headDim, offset + (bh * past + lead) * headDim);
      let at = offset + (bh * past + lead) * headDim;
      for (const [from, to] of runs) {
        dst.set(src.subarray((bh * slots + from) * headDim, (bh * slots + to) * headDim), at);
        at += (to - from) * headDim;
      }
    }
    offset += count * past * headDim;
  }
  return dst;
}

/**
 * A merged past of `length` floats: recycled when `buffers` is given (the caller clears
 * the padding it does not overwrite), else fresh (zeros).
 */
function allocate(length: number, buffers: ForwardBuffers | undefined): Float32Array {
  return buffers ? buffers.take(length) : new Float32Array(length);
}
