// ONNX Runtime (Node) parity check of decoder.onnx against PyTorch reference logits.
// Usage: node train/verify-onnx.mjs DECODER.onnx CASES.json [OUT.json [VQ-DECODER.onnx]]
// Runs (a) empty past + full prompt, (b) incremental steps with past (1 token and a block of 4),
// (c) batch 2 whose attention mask has zeros (left padding and masked "rejected" slots holding
// garbage), (d) an incremental step on top of (c). Prints the max abs logit difference as JSON.
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const [model, casesPath, outPath, vqPath] = process.argv.slice(2);
if (!model || !casesPath) {
  console.error('usage: verify-onnx.mjs DECODER.onnx CASES.json [OUT.json]');
  process.exit(2);
}
const { meta, cases, vq } = JSON.parse(readFileSync(casesPath, 'utf8'));
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
if (!same(session.inputNames, meta.inputs) || !same(session.outputNames, meta.outputs)) {
  throw new Error(
    `I/O names differ: ${session.inputNames} / ${session.outputNames} vs ${meta.inputs} / ${meta.outputs}`,
  );
}

const int64 = (rows) => {
  const b = rows.length;
  const s = rows[0].length;
  return new ort.Tensor('int64', BigInt64Array.from(rows.flat().map((x) => BigInt(x))), [b, s]);
};

let present = null;
let maxDiff = 0;
const perCase = [];
for (const c of cases) {
  const b = c.input_ids.length;
  const feeds = {
    input_ids: int64(c.input_ids),
    attention_mask: int64(c.attention_mask),
    position_ids: int64(c.position_ids),
  };
  for (let i = 0; i < meta.numLayers; i++) {
    for (const kv of ['key', 'value']) {
      const name = `past_key_values.${i}.${kv}`;
      if (c.past === 'empty') {
        feeds[name] = new ort.Tensor('float32', new Float32Array(0), [
          b,
          meta.numKeyValueHeads,
          0,
          meta.headDim,
        ]);
      } else {
        feeds[name] = present[`present.${i}.${kv}`];
      }
    }
  }
  const out = await session.run(feeds);
  const logits = out.logits;
  const [, s, V] = logits.dims;
  let caseMax = 0;
  for (const chk of c.checks) {
    const base = (chk.b * s + chk.t) * V;
    for (let v = 0; v < V; v++) {
      const d = Math.abs(logits.data[base + v] - chk.logits[v]);
      if (!(d <= caseMax)) caseMax = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
    }
  }
  const pastLen = out['present.0.key'].dims[2];
  const expected = c.attention_mask[0].length;
  if (pastLen !== expected)
    throw new Error(`${c.name}: present length ${pastLen}, expected ${expected}`);
  present = out;
  perCase.push({ name: c.name, checks: c.checks.length, maxAbsDiff: caseMax });
  maxDiff = Math.max(maxDiff, caseMax);
}
let vqMaxAbsDiff = null;
if (vqPath && vq) {
  const vqSession = await ort.InferenceSession.create(vqPath, { intraOpNumThreads: 1 });
  const n = vq.codes.length;
  const out = await vqSession.run({ codes: int64(vq.codes) });
  const px = out.pixels;
  const want = vq.dims ?? [n, 64, 64, 3];
  if (px.dims.join() !== want.join())
    throw new Error(`vq pixels dims ${px.dims}, expected ${want}`);
  vqMaxAbsDiff = 0;
  for (let i = 0; i < px.data.length; i++) {
    vqMaxAbsDiff = Math.max(vqMaxAbsDiff, Math.abs(px.data[i] - vq.pixels[i]));
  }
}
const pass = maxDiff < 1e-3 && (vqMaxAbsDiff === null || vqMaxAbsDiff < 1e-5);
const result = {
  model,
  maxAbsLogitDiff: maxDiff,
  vqMaxAbsPixelDiff: vqMaxAbsDiff,
  pass,
  cases: perCase,
};
console.log(JSON.stringify(result, null, 2));
if (outPath) writeFileSync(outPath, `${JSON.stringify(result, null, 2)}\n`);
process.exit(pass ? 0 : 1);
