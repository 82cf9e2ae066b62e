import type { TokenRange } from '../../provider/image-layout.js';
import { selectKthLargest } from '../select-kth-largest.js';
import type { SamplingKernel } from './sampling-kernel.js';

const BINS = 2048;

/**
 * The sampling kernel in plain JavaScript: the fallback where WebAssembly SIMD is missing,
 * and the reference the WebAssembly kernel is tested against.
 */
export class JsSamplingKernel implements SamplingKernel {
  readonly kind = 'js';
  readonly kept: Float32Array;
  readonly ids: Int32Array;
  readonly exps: Float64Array;
  private readonly scratch: Float32Array;
  private readonly bins: Uint16Array;
  private readonly mass = new Float64Array(BINS);
  max = Number.NEGATIVE_INFINITY;
  invalid = false;

  constructor(vocabSize: number) {
    this.kept = new Float32Array(vocabSize);
    this.ids = new Int32Array(vocabSize);
    this.exps = new Float64Array(vocabSize);
    this.scratch = new Float32Array(vocabSize);
    this.bins = new Uint16Array(vocabSize);
  }

  gather(
    cond: Float32Array,
    uncond: Float32Array | null,
    from: number,
    ranges: readonly TokenRange[],
    s: number,
    inverse: number,
    floor: number,
  ): number {
    const { ids, kept } = this;
    let nan = 0;
    let n = 0;
    // Branch-free on the values (every value is written, the count only advances for kept
    // ones; `+(a >= b)` compiles to a flag move in V8): which values pass is unpredictable.
    for (const range of ranges) {
      const start = range.start;
      const end = range.count;
      const base = from + start;
      if (uncond) {
        for (let i = 0; i < end; i++) {
          const ui = uncond[base + i]!;
          const v = (ui + s * (cond[base + i]! - ui)) * inverse;
          nan += +Number.isNaN(v);
          ids[n] = start + i;
          kept[n] = v;
          n += +(v >= floor);
        }
      } else {
        for (let i = 0; i < end; i++) {
          const v = cond[base + i]! * inverse;
          nan += +Number.isNaN(v);
          ids[n] = start + i;
          kept[n] = v;
          n += +(v >= floor);
        }
      }
    }
    // +∞ always passes the floor, so the kept values show it.
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = kept[i]!;
      max = v > max ? v : max;
    }
    this.max = max;
    this.invalid = nan > 0 || max === Number.POSITIVE_INFINITY;
    return n;
  }

  kthLargest(count: number, k: number): number {
    this.scratch.set(this.kept.subarray(0, count));
    return selectKthLargest(this.scratch, count, k);
  }

  keepAtLeast(count: number, threshold: number): number {
    const { ids, kept } = this;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const v = kept[i]!;
      ids[n] = ids[i]!;
      kept[n] = v;
      n += +(v >= threshold);
    }
    return n;
  }

  exponentiate(count: number, max: number): number {
    const { kept, exps } = this;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const e = Math.exp(kept[i]! - max);
      exps[i] = e;
      total += e;
    }
    return total;
  }

  /** A mass histogram finds the boundary bin; only its values are sorted. */
  nucleus(count: number, total: number, p: number, max: number): number {
    const { ids, kept, exps, bins, scratch, mass } = this;
    let min = max;
    for (let i = 0; i < count; i++) {
      const v = kept[i]!;
      min = v < min ? v : min;
    }
    const scale = max > min ? (BINS - 1) / (max - min) : 0;
    mass.fill(0);
    for (let i = 0; i < count; i++) {
      const b = ((max - kept[i]!) * scale) | 0;
      bins[i] = b;
      mass[b]! += exps[i]!;
    }
    const needed = p * total;
    let above = 0;
    let boundary = 0;
    for (; boundary < BINS - 1; boundary++) {
      if (above + mass[boundary]! >= needed) break;
      above += mass[boundary]!;
    }
    let m = 0;
    for (let i = 0; i < count; i++) if (bins[i] === boundary) scratch[m++] = kept[i]!;
    const sorted = scratch.subarray(0, m).sort();
    let threshold = sorted[0]!;
    let cumulative = above;
    for (let j = m - 1; j >= 0; j--) {
      cumulative += Math.exp(sorted[j]! - max);
      if (cumulative >= needed) {
        threshold = sorted[j]!;
        break;
      }
    }
    let n = 0;
    for (let i = 0; i < count; i++) {
      const v = kept[i]!;
      ids[n] = ids[i]!;
      kept[n] = v;
      exps[n] = exps[i]!;
      n += +(v >= threshold);
    }
    return n;
  }

  normalize(count: number, total: number): void {
    const exps = this.exps;
    for (let i = 0; i < count; i++) exps[i] = exps[i]! / total;
  }
}
