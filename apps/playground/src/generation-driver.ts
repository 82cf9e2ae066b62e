import {
  type DecodingStatistics,
  type GenerateOptions,
  type GenerationEvent,
  generateStream,
  type ImageLayout,
  imageCodes,
  isEndOfRow,
  rowStride,
  sequenceLength,
} from '@sjd/backend-web';

/**
 * Runs one generation a step at a time and keeps what the page shows: which step committed
 * each image cell, the codes so far, and a busy clock — the milliseconds spent inside the
 * generator (forward passes and sampling), not in drawing, so figures and races measure
 * decoding alone. {@link advance} is the only way forward, which lets a race interleave two
 * drivers fairly.
 */
export class GenerationDriver {
  /** For each image cell (raster order), the step that committed it, or −1. */
  readonly stepOfCell: Int32Array;
  /** The generated sequence so far (unset positions 0). */
  readonly sequence: Int32Array;
  /** Milliseconds spent inside the generator. */
  busyMs = 0;
  /** Forward passes so far. */
  steps = 0;
  /** Tokens committed so far. */
  tokens = 0;
  /** Tokens the last step committed. */
  lastBlock = 0;
  /** Longest block one step committed. */
  longestBlock = 0;
  /** The effective seed, once the generation has started. */
  seed: number | null = null;
  /** Warnings from the core (settings the method ignores). */
  warnings: readonly string[] = [];
  /** Statistics of the finished image. */
  statistics: DecodingStatistics | null = null;
  done = false;
  private readonly stream: AsyncGenerator<GenerationEvent>;

  constructor(
    readonly layout: ImageLayout,
    options: GenerateOptions,
  ) {
    this.stepOfCell = new Int32Array(layout.gridWidth * layout.gridHeight).fill(-1);
    this.sequence = new Int32Array(sequenceLength(layout));
    this.stream = generateStream({ ...options, images: 1 });
  }

  /** Runs the generator to its next event. Resolves `false` once the generation is over. */
  async advance(): Promise<boolean> {
    if (this.done) return false;
    const started = performance.now();
    let result: IteratorResult<GenerationEvent>;
    try {
      result = await this.stream.next();
    } finally {
      this.busyMs += performance.now() - started;
    }
    if (result.done) {
      this.done = true;
      return false;
    }
    this.take(result.value);
    return true;
  }

  /** Image codes so far (undecided cells 0), ready for the image decoder. */
  codes(): Int32Array {
    const { layout } = this;
    const codes = imageCodes(layout, this.sequence);
    for (let c = 0; c < codes.length; c++) {
      if (this.stepOfCell[c]! < 0) codes[c] = 0;
    }
    return codes;
  }

  /** Stops the generation and releases its model session. */
  async cancel(): Promise<void> {
    this.done = true;
    await this.stream.return(undefined);
  }

  private take(event: GenerationEvent): void {
    switch (event.type) {
      case 'generation-start':
        this.seed = event.seed;
        this.warnings = event.warnings;
        break;
      case 'token-block': {
        this.steps++;
        this.tokens += event.tokens.length;
        this.lastBlock = event.tokens.length;
        this.longestBlock = Math.max(this.longestBlock, event.tokens.length);
        this.sequence.set(event.tokens, event.start);
        for (let i = 0; i < event.tokens.length; i++) {
          const cell = cellOf(this.layout, event.start + i);
          if (cell >= 0) this.stepOfCell[cell] = event.step;
        }
        break;
      }
      case 'image-done':
        this.statistics = event.statistics;
        this.sequence.set(event.tokens);
        break;
      case 'generation-done':
        this.done = true;
        break;
    }
  }
}

/** The image cell (raster order) of a sequence position, or −1 for an end-of-row token. */
export function cellOf(layout: ImageLayout, position: number): number {
  if (isEndOfRow(layout, position)) return -1;
  const stride = rowStride(layout);
  return Math.floor(position / stride) * layout.gridWidth + (position % stride);
}
