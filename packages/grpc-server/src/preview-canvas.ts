import { type ImageLayout, imageCodes, isEndOfRow, sequenceLength } from '@sjd/backend-node';

/**
 * The committed tokens of the image being decoded, for previews: cells not yet committed
 * show code 0.
 */
export class PreviewCanvas {
  private readonly sequence: Int32Array;
  private readonly blank: Int32Array;
  private committed = 0;

  constructor(private readonly layout: ImageLayout) {
    this.blank = new Int32Array(sequenceLength(layout));
    for (let p = 0; p < this.blank.length; p++) {
      this.blank[p] = isEndOfRow(layout, p) ? layout.endOfRowToken! : layout.imageTokens.start;
    }
    this.sequence = this.blank.slice();
  }

  /** Tokens committed so far in this image. */
  get committedTokens(): number {
    return this.committed;
  }

  /** Whether every position is committed. */
  get complete(): boolean {
    return this.committed >= this.sequence.length;
  }

  /** Starts a new image. */
  reset(): void {
    this.sequence.set(this.blank);
    this.committed = 0;
  }

  /** Records one token block. */
  commit(start: number, tokens: Int32Array): void {
    this.sequence.set(tokens, start);
    this.committed = Math.max(this.committed, start + tokens.length);
  }

  /** The image codes to decode for a preview. */
  codes(): Int32Array {
    return imageCodes(this.layout, this.sequence);
  }
}
