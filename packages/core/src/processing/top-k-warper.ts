import type { LogitsProcessor } from './logits-processor.js';
import { selectKthLargest } from './select-kth-largest.js';

/**
 * Keeps the `k` largest logits (and any tied with the k-th), as Hugging Face's top-k does.
 * `k = 0` disables it. Finds the threshold by quickselect: the vocabulary is never sorted.
 */
export class TopKLogitsWarper implements LogitsProcessor {
  readonly name = 'top-k';
  readonly k: number;
  private scratch = new Float32Array(0);

  constructor(k: number) {
    this.k = k;
  }

  process(logits: Float32Array): void {
    const k = this.k;
    if (k === 0 || k >= logits.length) return;
    if (this.scratch.length < logits.length) this.scratch = new Float32Array(logits.length);
    const finite = this.scratch;
    let count = 0;
    for (let i = 0; i < logits.length; i++) {
      const v = logits[i]!;
      if (v !== Number.NEGATIVE_INFINITY) finite[count++] = v;
    }
    if (count <= k) return;
    const threshold = selectKthLargest(finite, count, k);
    for (let i = 0; i < logits.length; i++) {
      if (logits[i]! < threshold) logits[i] = Number.NEGATIVE_INFINITY;
    }
  }
}
