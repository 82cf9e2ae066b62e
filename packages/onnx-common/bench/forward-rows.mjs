// `node packages/onnx-common/bench/forward-rows.mjs [model folder]`: what merging rows into
// one decoder call buys, without the server: onnxruntime-node's `session.run` over B rows
// (B = 1 … 16) of an S-token block after `past` cached slots, every row attended, one
// intra-op thread (as `pnpm bench:server`). Rounds interleave the shapes; the median round
// is printed as ms per call and per row. Default: the shipped shapes-v2 decoder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shippedModelDir } from '@sjd/shapes';
import * as ort from 'onnxruntime-node';

const dir = process.argv[2] ?? shippedModelDir;
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const { numLayers: layers, numKeyValueHeads: heads, headDim } = manifest.decoder;
const session = await ort.InferenceSession.create(join(dir, manifest.files.decoder), {
  intraOpNumThreads: Number(process.env.SJD_BENCH_THREADS ?? 1),
  graphOptimizationLevel: 'all',
});
const image = manifest.vocabulary.image.start;

/** Feeds for `rows` rows of a `size`-token block after `past` slots. */
function feeds(rows, size, past) {
  const f = {
    input_ids: new ort.Tensor('int64', new BigInt64Array(rows * size).fill(BigInt(image + 7)), [
      rows,
      size,
    ]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(rows * (past + size)).fill(1n), [
      rows,
      past + size,
    ]),
    position_ids: new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: rows * size }, (_, i) => BigInt(past + (i % size))),
      [rows, size],
    ),
  };
  for (let l = 0; l < layers; l++) {
    for (const kind of ['key', 'value']) {
      const data = Float32Array.from({ length: rows * heads * past * headDim }, (_, i) =>
        Math.sin(i),
      );
      f[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', data, [
        rows,
        heads,
        past,
        headDim,
      ]);
    }
  }
  return f;
}

const shapes = [];
for (const [size, past] of [
  [17, 150],
  [17, 60],
  [1, 150],
]) {
  for (const rows of [1, 2, 4, 8, 16])
    shapes.push({ size, past, rows, feeds: feeds(rows, size, past), ms: [] });
}
for (const s of shapes) for (let i = 0; i < 3; i++) await session.run(s.feeds);
const ROUNDS = 7;
for (let round = 0; round < ROUNDS; round++) {
  for (const s of shapes) {
    const calls = Math.max(4, Math.round(48 / s.rows));
    const started = performance.now();
    for (let i = 0; i < calls; i++) await session.run(s.feeds);
    s.ms.push((performance.now() - started) / calls);
  }
}
console.log(`${manifest.name}: session.run, median of ${ROUNDS} interleaved rounds`);
console.table(
  shapes.map((s) => {
    const median = [...s.ms].sort((a, b) => a - b)[ROUNDS >> 1];
    return {
      'block S': s.size,
      past: s.past,
      rows: s.rows,
      'ms / call': median.toFixed(2),
      'ms / row': (median / s.rows).toFixed(3),
    };
  }),
);
await session.release();
