import { ProviderContractError } from '../errors/provider-contract-error.js';
import { allowedTokensAt, type ImageLayout, type TokenRange } from '../provider/image-layout.js';
import type { TokenDistribution } from './distribution.js';
import type { ChainSettings, TargetChain } from './logits-chain.js';
import { selectKthLargest } from './select-kth-largest.js';

const BINS = 2048;

/**
 * The standard sampling chain (CFG mix, structural mask, temperature, top-k, top-p,
 * softmax) fused into a few linear passes over the allowed tokens. Same mathematics as
 * composing the individual processors (the tests hold both against a plain reference);
 * this one is what the decoders use, because SJD evaluates `window + 1` positions per
 * step. Top-k and top-p thresholds are found with a value histogram and a sort of the
 * boundary bin only: the vocabulary is never sorted.
 */
export class FusedSamplingChain implements TargetChain {
  private readonly values: Float32Array;
  private readonly bins: Uint16Array;
  private readonly ids: Int32Array;
  private readonly kept: Float32Array;
  private readonly exps: Float64Array;
  private readonly mass = new Float64Array(BINS);

  constructor(
    private readonly layout: ImageLayout,
    readonly vocabSize: number,
    private readonly settings: ChainSettings,
  ) {
    this.values = new Float32Array(vocabSize);
    this.bins = new Uint16Array(vocabSize);
    this.ids = new Int32Array(vocabSize);
    this.kept = new Float32Array(vocabSize);
    this.exps = new Float64Array(vocabSize);
  }

  distributionAt(
    rowLogits: readonly Float32Array[],
    index: number,
    position: number,
  ): TokenDistribution {
    const ranges = allowedTokensAt(this.layout, position);
    if (ranges.length === 1 && ranges[0]!.count === 1) {
      return { ids: Int32Array.of(ranges[0]!.start), probs: Float64Array.of(1) };
    }
    const from = index * this.vocabSize;
    const cond = rowLogits[0]!;
    const uncond = this.settings.cfgScale !== 1 && rowLogits.length > 1 ? rowLogits[1]! : null;
    const k = this.settings.topK;
    let allowed = 0;
    for (const range of ranges) allowed += range.count;
    let count: number;
    if (this.settings.temperature !== 0 && k > 0 && k < allowed) {
      // Gather only values above the previous position's cut; if that misses, gather all.
      count = this.gather(cond, uncond, from, ranges, this.cut, position);
      if (count < k)
        count = this.gather(cond, uncond, from, ranges, Number.NEGATIVE_INFINITY, position);
      if (count > k) count = this.topK(count, k);
    } else {
      count = this.gather(cond, uncond, from, ranges, Number.NEGATIVE_INFINITY, position);
    }
    if (count === 0) this.fail(position);
    if (this.settings.temperature === 0) return this.greedy(count);
    let total = this.exponentiate(count);
    if (this.settings.topP < 1) {
      count = this.nucleus(count, total, this.settings.topP);
      total = 0;
      for (let i = 0; i < count; i++) total += this.exps[i]!;
    }
    if (!(total > 0) || !Number.isFinite(total)) this.fail(position);
    const probs = new Float64Array(count);
    for (let i = 0; i < count; i++) probs[i] = this.exps[i]! / total;
    return { ids: this.ids.slice(0, count), probs };
  }

  /** Largest and smallest kept value after the last gather or top-k. */
  private max = 0;
  private min = 0;
  /** Values below this were outside the top-k at the previous position, with a margin. */
  private cut = Number.NEGATIVE_INFINITY;
  private margin = 0.25;

  /**
   * One pass over the allowed tokens: mixed (CFG) and tempered logits ≥ `cut` go to
   * ids/kept in id order. A NaN or +∞ anywhere is a contract error, even below the cut.
   */
  private gather(
    cond: Float32Array,
    uncond: Float32Array | null,
    from: number,
    ranges: readonly TokenRange[],
    cut: number,
    position: number,
  ): number {
    const { ids, kept } = this;
    const s = this.settings.cfgScale;
    const t = this.settings.temperature;
    const inverse = t === 0 ? 1 : 1 / t;
    let max = Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    let check = 0;
    let n = 0;
    for (const range of ranges) {
      const c = cond.subarray(from + range.start, from + range.start + range.count);
      if (uncond) {
        const u = uncond.subarray(from + range.start, from + range.start + range.count);
        for (let i = 0; i < c.length; i++) {
          const ui = u[i]!;
          const v = (ui + s * (c[i]! - ui)) * inverse;
          check += v;
          if (v >= cut && v !== Number.NEGATIVE_INFINITY) {
            if (v > max) max = v;
            if (v < min) min = v;
            ids[n] = range.start + i;
            kept[n++] = v;
          }
        }
      } else {
        for (let i = 0; i < c.length; i++) {
          const v = c[i]! * inverse;
          check += v;
          if (v >= cut && v !== Number.NEGATIVE_INFINITY) {
            if (v > max) max = v;
            if (v < min) min = v;
            ids[n] = range.start + i;
            kept[n++] = v;
          }
        }
      }
    }
    if (Number.isNaN(check) || check === Number.POSITIVE_INFINITY) this.fail(position);
    this.max = max;
    this.min = min;
    return n;
  }

  private greedy(count: number): TokenDistribution {
    const { ids, kept } = this;
    let best = 0;
    for (let i = 1; i < count; i++) if (kept[i]! > kept[best]!) best = i;
    return { ids: Int32Array.of(ids[best]!), probs: Float64Array.of(1) };
  }

  /** Bins kept values by distance below the maximum: bin 0 holds the largest. */
  private binScale(): number {
    return this.max > this.min ? (BINS - 1) / (this.max - this.min) : 0;
  }

  /**
   * Top-k among the gathered candidates (which hold every value ≥ the k-th largest):
   * quickselect the k-th largest, keep every value ≥ it, in id order. Then sets the cut
   * for the next position a margin below, widening the margin after a miss.
   */
  private topK(count: number, k: number): number {
    const { ids, kept, values } = this;
    values.set(kept.subarray(0, count));
    const threshold = selectKthLargest(values, count, k);
    let n = 0;
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < count; i++) {
      const v = kept[i]!;
      if (v < threshold) continue;
      if (v < min) min = v;
      ids[n] = ids[i]!;
      kept[n++] = v;
    }
    this.min = min;
    // Adapt: a miss (cut above threshold) or a flood of candidates moves the margin.
    if (this.cut > threshold) this.margin *= 2;
    else if (count > 1.5 * k) this.margin *= 0.8;
    const spread = this.max - threshold;
    this.cut = threshold - this.margin * (spread > 0 ? spread : 1);
    return n;
  }

  /** exps[i] = exp(kept[i] − max); returns their sum. */
  private exponentiate(count: number): number {
    const { kept, exps } = this;
    const max = this.max;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const e = Math.exp(kept[i]! - max);
      exps[i] = e;
      total += e;
    }
    return total;
  }

  /**
   * Top-p: keeps the smallest set of largest values whose mass reaches p (ties with the
   * last one stay). A mass histogram finds the boundary bin; only it is sorted.
   */
  private nucleus(count: number, total: number, p: number): number {
    const { ids, kept, exps, bins, values, mass } = this;
    const scale = this.binScale();
    const max = this.max;
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
    for (let i = 0; i < count; i++) if (bins[i] === boundary) values[m++] = kept[i]!;
    const sorted = values.subarray(0, m).sort();
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
      if (v < threshold) continue;
      ids[n] = ids[i]!;
      kept[n] = v;
      exps[n++] = exps[i]!;
    }
    return n;
  }

  private fail(position: number): never {
    throw new ProviderContractError({
      field: 'logits',
      message: `no finite logit among the allowed tokens at image position ${position} (NaN or all -Infinity)`,
    });
  }
}
