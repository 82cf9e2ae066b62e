import { ProviderContractError } from '../errors/provider-contract-error.js';
import { allowedTokensAt, type ImageLayout, type TokenRange } from '../provider/image-layout.js';
import type { TokenDistribution } from './distribution.js';
import { JsSamplingKernel } from './kernel/js-sampling-kernel.js';
import type { SamplingKernel } from './kernel/sampling-kernel.js';
import { WasmSamplingKernel } from './kernel/wasm-sampling-kernel.js';
import type { ChainSettings, TargetChain } from './logits-chain.js';

/**
 * Smallest vocabulary for which `auto` picks the WebAssembly kernel. Each chain instantiates
 * its own module (~60 µs here); below this size the JavaScript loops are as fast, and toy
 * vocabularies (tens of tokens, thousands of generations in the exactness tests) would pay
 * the instantiation many times over. At 539 tokens (the shipped model) WebAssembly takes
 * ~9.5 µs a position against ~15–22 µs.
 */
export const WASM_MIN_VOCAB = 256;

/**
 * The standard sampling chain (CFG mix, structural mask, temperature, top-k, top-p,
 * softmax) fused into a few linear passes over the allowed tokens. Same mathematics as
 * composing the individual processors (the tests hold both against a plain reference);
 * this one is what the decoders use, because SJD evaluates `window + 1` positions per
 * step. Top-k and top-p thresholds are found with a value histogram and a sort of the
 * boundary bin only: the vocabulary is never sorted. The loops run in a
 * {@link SamplingKernel}: WebAssembly SIMD where available, plain JavaScript otherwise.
 */
export class FusedSamplingChain implements TargetChain {
  /** The implementation of the hot loops in use: WebAssembly SIMD where available. */
  readonly kernel: SamplingKernel;

  /**
   * @param kernel `'auto'` (default): WebAssembly SIMD where it compiles (see
   *   `loadSamplingKernel`) and the vocabulary has at least {@link WASM_MIN_VOCAB} tokens,
   *   else plain JavaScript; `'js'`: plain JavaScript. Both
   *   keep the same tokens; probabilities agree to 1e-13 relative (their `exp` and summation
   *   orders differ).
   */
  constructor(
    private readonly layout: ImageLayout,
    readonly vocabSize: number,
    private readonly settings: ChainSettings,
    kernel: 'auto' | 'js' = 'auto',
  ) {
    this.kernel =
      (kernel === 'auto' && vocabSize >= WASM_MIN_VOCAB
        ? WasmSamplingKernel.create(vocabSize)
        : null) ?? new JsSamplingKernel(vocabSize);
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
    const kernel = this.kernel;
    let total = kernel.exponentiate(count, this.max);
    if (this.settings.topP < 1) {
      count = kernel.nucleus(count, total, this.settings.topP, this.max);
      total = 0;
      const exps = kernel.exps;
      for (let i = 0; i < count; i++) total += exps[i]!;
    }
    if (!(total > 0) || !Number.isFinite(total)) this.fail(position);
    kernel.normalize(count, total);
    return { ids: kernel.ids.slice(0, count), probs: kernel.exps.slice(0, count) };
  }

  /** Largest kept value after the last gather. */
  private max = 0;
  /** Values below this were outside the top-k at the previous position, with a margin. */
  private cut = Number.NEGATIVE_INFINITY;
  private margin = 0.25;

  /**
   * One pass over the allowed tokens: mixed (CFG) and tempered logits ≥ `cut` become the
   * kernel's kept candidates, in id order. A NaN or +∞ anywhere is a contract error, even
   * below the cut.
   */
  private gather(
    cond: Float32Array,
    uncond: Float32Array | null,
    from: number,
    ranges: readonly TokenRange[],
    cut: number,
    position: number,
  ): number {
    const t = this.settings.temperature;
    // -∞ never passes (a masked token), whatever the cut.
    const floor = cut > -Number.MAX_VALUE ? cut : -Number.MAX_VALUE;
    const kernel = this.kernel;
    const n = kernel.gather(
      cond,
      uncond,
      from,
      ranges,
      this.settings.cfgScale,
      t === 0 ? 1 : 1 / t,
      floor,
    );
    if (kernel.invalid) this.fail(position);
    this.max = kernel.max;
    return n;
  }

  private greedy(count: number): TokenDistribution {
    const { ids, kept } = this.kernel;
    let best = 0;
    for (let i = 1; i < count; i++) if (kept[i]! > kept[best]!) best = i;
    return { ids: Int32Array.of(ids[best]!), probs: Float64Array.of(1) };
  }

  /**
   * Top-k among the gathered candidates (which hold every value ≥ the k-th largest): the
   * kernel finds the k-th largest, every value ≥ it stays, in id order. Then sets the cut
   * for the next position a margin below, widening the margin after a miss.
   */
  private topK(count: number, k: number): number {
    const threshold = this.kernel.kthLargest(count, k);
    const n = this.kernel.keepAtLeast(count, threshold);
    // Adapt: a miss (cut above threshold) or a flood of candidates moves the margin.
    if (this.cut > threshold) this.margin *= 2;
    else if (count > 1.5 * k) this.margin *= 0.8;
    const spread = this.max - threshold;
    this.cut = threshold - this.margin * (spread > 0 ? spread : 1);
    return n;
  }

  private fail(position: number): never {
    throw new ProviderContractError({
      field: 'logits',
      message: `no finite logit among the allowed tokens at image position ${position} (NaN or all -Infinity)`,
    });
  }
}
