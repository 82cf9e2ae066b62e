import type { TokenRange } from '../provider/image-layout.js';
import type { LogitsProcessor, ProcessingContext } from './logits-processor.js';

/**
 * Structural mask: keeps only the tokens the layout allows at the position (image codes
 * inside the grid, the end-of-row token where the layout demands it).
 */
export class AllowedTokensLogitsProcessor implements LogitsProcessor {
  readonly name = 'allowed-tokens';
  private readonly allowedAt: (position: number) => readonly TokenRange[];

  constructor(allowedAt: (position: number) => readonly TokenRange[]) {
    this.allowedAt = allowedAt;
  }

  process(logits: Float32Array, context: ProcessingContext): void {
    const ranges = this.allowedAt(context.position);
    let next = 0;
    // Ranges are sorted and disjoint: blank the gaps between them.
    for (const range of ranges) {
      logits.fill(Number.NEGATIVE_INFINITY, next, range.start);
      next = range.start + range.count;
    }
    logits.fill(Number.NEGATIVE_INFINITY, next, logits.length);
  }
}
