import type { TokenRange } from '../../provider/image-layout.js';
import { SAMPLING_KERNEL_WASM } from './generated/sampling-kernel-wasm.js';
import type { SamplingKernel } from './sampling-kernel.js';

/**
 * The slice of the WebAssembly JavaScript API used here (the core compiles without the DOM
 * library; Node and browsers both provide it).
 */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: unknown };
};
type WasmModule = { readonly __brand: 'WebAssembly.Module' };

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  prepare(vocab: number): number;
  condOffset(): number;
  uncondOffset(): number;
  keptOffset(): number;
  idsOffset(): number;
  lastMax(): number;
  lastInvalid(): number;
  begin(): void;
  gather(
    start: number,
    count: number,
    s: number,
    inverse: number,
    floor: number,
    n: number,
    mixed: number,
  ): number;
  keepAtLeast(count: number, threshold: number): number;
  kthLargest(count: number, k: number, max: number): number;
  expsOffset(): number;
  exponentiate(count: number, max: number): number;
  nucleus(count: number, total: number, p: number, max: number): number;
  normalize(count: number, total: number): void;
}

/**
 * Compiled once per process (a Module is immutable; each kernel gets its own Instance):
 * undefined until tried, null where WebAssembly SIMD is unavailable.
 */
let compiled: WasmModule | null | undefined;

function kernelBytes(): Uint8Array {
  const text = atob(SAMPLING_KERNEL_WASM);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function kernelModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    // Synchronous compilation: fine in Node and in workers; a browser's main thread refuses
    // modules over 4 KB (this one is ~5 KB) until loadSamplingKernel() has compiled it.
    compiled = new WebAssembly.Module(kernelBytes());
  } catch {
    return null; // not cached: loadSamplingKernel() may still compile it asynchronously
  }
  return compiled;
}

/**
 * Compiles the WebAssembly sampling kernel ahead of time, asynchronously. Optional in Node
 * (the first generation compiles it synchronously); call it once at start-up on a browser's
 * main thread, where synchronous compilation of the module is not allowed. Resolves to
 * whether the WebAssembly kernel is available (false: the JavaScript kernel is used).
 */
export async function loadSamplingKernel(): Promise<boolean> {
  if (compiled !== undefined) return compiled !== null;
  try {
    compiled = await WebAssembly.compile(kernelBytes());
  } catch {
    compiled = null;
  }
  return compiled !== null;
}

/**
 * The sampling kernel in WebAssembly SIMD (source: assembly/sampling-kernel.ts). Each
 * position's logits are copied into the instance's memory (two `Float32Array.set` calls),
 * mixed, compared and packed four lanes at a time. Same numbers as {@link JsSamplingKernel}.
 */
export class WasmSamplingKernel implements SamplingKernel {
  readonly kind = 'wasm';
  readonly kept: Float32Array;
  readonly ids: Int32Array;
  readonly exps: Float64Array;
  private readonly cond: Float32Array;
  private readonly uncond: Float32Array;

  private constructor(
    private readonly exports: KernelExports,
    vocabSize: number,
  ) {
    const buffer = exports.memory.buffer;
    this.cond = new Float32Array(buffer, exports.condOffset(), vocabSize);
    this.uncond = new Float32Array(buffer, exports.uncondOffset(), vocabSize);
    this.kept = new Float32Array(buffer, exports.keptOffset(), vocabSize);
    this.ids = new Int32Array(buffer, exports.idsOffset(), vocabSize);
    this.exps = new Float64Array(buffer, exports.expsOffset(), vocabSize);
  }

  /** A kernel for a vocabulary of `vocabSize`, or null where WebAssembly SIMD is unavailable. */
  static create(vocabSize: number): WasmSamplingKernel | null {
    const module = kernelModule();
    if (!module) return null;
    try {
      const exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
      if (!exports.prepare(vocabSize)) return null;
      return new WasmSamplingKernel(exports, vocabSize);
    } catch {
      return null;
    }
  }

  get max(): number {
    return this.exports.lastMax();
  }

  get invalid(): boolean {
    return this.exports.lastInvalid() !== 0;
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
    const x = this.exports;
    x.begin();
    let n = 0;
    for (const range of ranges) {
      const begin = from + range.start;
      const end = begin + range.count;
      this.cond.set(cond.subarray(begin, end), range.start);
      if (uncond) this.uncond.set(uncond.subarray(begin, end), range.start);
      n = x.gather(range.start, range.count, s, inverse, floor, n, uncond ? 1 : 0);
    }
    return n;
  }

  kthLargest(count: number, k: number): number {
    return this.exports.kthLargest(count, k, this.exports.lastMax());
  }

  keepAtLeast(count: number, threshold: number): number {
    return this.exports.keepAtLeast(count, threshold);
  }

  exponentiate(count: number, max: number): number {
    return this.exports.exponentiate(count, max);
  }

  nucleus(count: number, total: number, p: number, max: number): number {
    return this.exports.nucleus(count, total, p, max);
  }

  normalize(count: number, total: number): void {
    this.exports.normalize(count, total);
  }
}
