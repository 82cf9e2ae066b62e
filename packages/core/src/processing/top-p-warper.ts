import type { LogitsProcessor } from './logits-processor.js';

/**
 * Nucleus sampling: keeps the smallest set of most probable tokens whose probability
 * reaches `p` (and any tied with the last one kept). `p = 1` disables it. Sorts only the
 * tokens still in the support (after top-k, that is k values, not the vocabulary).
 */
export class TopPLogitsWarper implements LogitsProcessor {
  readonly name = 'top-p';
  readonly p: number;
  private scratch = new Float32Array(0);

  constructor(p: number) {
    this.p = p;
  }

  process(logits: Float32Array): void {
    if (this.p >= 1) return;
    if (this.scratch.length < logits.length) this.scratch = new Float32Array(logits.length);
    let count = 0;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < logits.length; i++) {
      const v = logits[i]!;
      if (v !== Number.NEGATIVE_INFINITY) {
        this.scratch[count++] = v;
        if (v > max) max = v;
      }
    }
    if (count <= 1) return;
    const sorted = this.scratch.subarray(0, count).sort(); // ascending, native numeric sort
    let total = 0;
    for (let i = 0; i < count; i++) total += Math.exp(sorted[i]! - max);
    const needed = this.p * total;
    let cumulative = 0;
    let threshold = sorted[count - 1]!;
    for (let i = count - 1; i >= 0; i--) {
      cumulative += Math.exp(sorted[i]! - max);
      threshold = sorted[i]!;
      if (cumulative >= needed) break;
    }
    for (let i = 0; i < logits.length; i++) {
      if (logits[i]! < threshold) logits[i] = Number.NEGATIVE_INFINITY;
    }
  }
}
