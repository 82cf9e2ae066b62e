import type { TokenDistribution } from './distribution.js';

/**
 * Softmax over the tokens still in the support (finite logits), as a sparse distribution.
 * Computed in float64.
 */
export function softmaxDistribution(logits: Float32Array): TokenDistribution {
  let max = Number.NEGATIVE_INFINITY;
  let count = 0;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v !== Number.NEGATIVE_INFINITY) {
      count++;
      if (v > max) max = v;
    }
  }
  const ids = new Int32Array(count);
  const probs = new Float64Array(count);
  let total = 0;
  let n = 0;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v !== Number.NEGATIVE_INFINITY) {
      const e = Math.exp(v - max);
      ids[n] = i;
      probs[n++] = e;
      total += e;
    }
  }
  for (let i = 0; i < count; i++) probs[i] = probs[i]! / total;
  return { ids, probs };
}
