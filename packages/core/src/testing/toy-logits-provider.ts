import type { ImageLayout } from '../provider/image-layout.js';
import type {
  LogitsProvider,
  LogitsSession,
  OpenSessionOptions,
} from '../provider/logits-provider.js';

/** Computes the logits that follow `tokens` (the row's whole sequence so far) into `out`. */
export type ToyLogitsFunction = (tokens: Int32Array, out: Float32Array) => void;

/**
 * A `LogitsProvider` over a plain function of the whole token sequence: no cache, no
 * model, exact by construction. Small enough vocabularies and grids make its sequence
 * distribution enumerable, which is what the exactness tests need.
 */
export class ToyLogitsProvider implements LogitsProvider {
  readonly specificationVersion = 'v1' as const;
  readonly providerId: string;
  readonly vocabSize: number;
  readonly layout: ImageLayout;
  readonly logitsFor: ToyLogitsFunction;

  constructor(options: {
    vocabSize: number;
    layout: ImageLayout;
    logits: ToyLogitsFunction;
    providerId?: string;
  }) {
    this.vocabSize = options.vocabSize;
    this.layout = options.layout;
    this.logitsFor = options.logits;
    this.providerId = options.providerId ?? 'toy';
  }

  async openSession(options: OpenSessionOptions): Promise<LogitsSession> {
    options.signal?.throwIfAborted();
    return new ToySession(this, options.prefixes);
  }
}

class ToySession implements LogitsSession {
  readonly rows: number;
  private tokens: number[][];
  private disposed = false;

  constructor(
    private readonly provider: ToyLogitsProvider,
    prefixes: readonly Int32Array[],
  ) {
    this.rows = prefixes.length;
    const longest = Math.max(...prefixes.map((p) => p.length));
    // Left-pad with -1 so rows advance together, as a batching backend would.
    this.tokens = prefixes.map((p) => [...new Array<number>(longest - p.length).fill(-1), ...p]);
  }

  get length(): number {
    return this.tokens[0]!.length;
  }

  async evaluate(blocks: readonly Int32Array[]): Promise<Float32Array[]> {
    if (this.disposed) throw new Error('ToySession: evaluate after dispose');
    const v = this.provider.vocabSize;
    return blocks.map((block, r) => {
      const row = this.tokens[r]!;
      const out = new Float32Array(block.length * v);
      for (let i = 0; i < block.length; i++) {
        row.push(block[i]!);
        this.provider.logitsFor(
          Int32Array.from(row.filter((t) => t >= 0)),
          out.subarray(i * v, (i + 1) * v),
        );
      }
      return out;
    });
  }

  async truncate(length: number): Promise<void> {
    if (length > this.length)
      throw new Error(`ToySession: truncate(${length}) beyond length ${this.length}`);
    for (const row of this.tokens) row.length = length;
  }

  async adoptRows(source: readonly number[], count: number): Promise<void> {
    if (source.length !== this.rows || count < 0 || count > this.length)
      throw new RangeError(`ToySession: adoptRows(${source.length} rows, ${count}) out of range`);
    const tails = source.map((s) => this.tokens[s]!.slice(this.length - count));
    tails.forEach((tail, r) => {
      this.tokens[r]!.splice(this.length - count, count, ...tail);
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}
