import type { TokenRange } from '../../provider/image-layout.js';

/**
 * The hot loops of {@link FusedSamplingChain}, behind one interface so that a WebAssembly
 * SIMD implementation and a plain JavaScript one are interchangeable and produce the same
 * numbers bit for bit. One kernel serves one chain (one generation); it is not shared.
 */
export interface SamplingKernel {
  /** Which implementation this is. */
  readonly kind: 'wasm' | 'js';
  /** Values of the kept candidates (index `0 .. count`), valid until the next call. */
  readonly kept: Float32Array;
  /** Token ids of the kept candidates, in increasing order, parallel to {@link kept}. */
  readonly ids: Int32Array;
  /**
   * One pass over the allowed tokens of position `index` (logits at `index * vocabSize`):
   * mixes `v = (u + s (c − u)) · inverse` (or `c · inverse` without `uncond`) in double
   * precision, and keeps every `v ≥ floor` (rounded to float32) with its id. Returns how many
   * were kept; afterwards {@link max} is their maximum and {@link invalid} tells whether
   * any mix, kept or not, was NaN or +∞.
   */
  gather(
    cond: Float32Array,
    uncond: Float32Array | null,
    from: number,
    ranges: readonly TokenRange[],
    cfgScale: number,
    inverse: number,
    floor: number,
  ): number;
  /** Largest kept value of the last gather (meaningful when it kept any). */
  readonly max: number;
  /** Whether the last gather met a NaN or +∞. */
  readonly invalid: boolean;
  /** The k-th largest (1-based) of the first `count` kept values; leaves them in place. */
  kthLargest(count: number, k: number): number;
  /** Keeps (in order, in place) the candidates with value ≥ `threshold`; returns how many. */
  keepAtLeast(count: number, threshold: number): number;
  /** `exp(kept[i] − max)` of the kept candidates, after {@link exponentiate}; probabilities after {@link normalize}. */
  readonly exps: Float64Array;
  /** Fills {@link exps} for the first `count` candidates (`max` ≥ all of them); returns their sum. */
  exponentiate(count: number, max: number): number;
  /**
   * Top-p: keeps (in order, in place, with their exps) the smallest set of largest values
   * whose mass reaches `p · total`, ties with the last one included; returns how many.
   */
  nucleus(count: number, total: number, p: number, max: number): number;
  /** Divides the first `count` exps by `total`. */
  normalize(count: number, total: number): void;
}
