/** What a processor may know about the position whose logits it rewrites. */
export interface ProcessingContext {
  /** Index of the position inside the generated image sequence (0 = first image token). */
  readonly position: number;
}

/**
 * One link of the logits processing chain. It rewrites one position's logits (length =
 * vocabulary size) in place; `-Infinity` removes a token from the support. Processors hold
 * no per-generation state, so one instance may serve many generations.
 */
export interface LogitsProcessor {
  /** Stable name, for logs and errors. */
  readonly name: string;
  process(logits: Float32Array, context: ProcessingContext): void;
}
