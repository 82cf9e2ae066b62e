/** A contiguous range of token ids: `start … start + count − 1`. */
export interface TokenRange {
  readonly start: number;
  readonly count: number;
}

/**
 * How a provider's model lays an image out as a token sequence, so that decoders and
 * draft initialisers need no model-specific code. The image is read in raster order:
 * `gridHeight` rows of `gridWidth` image tokens, each row followed by `endOfRowToken`
 * when the model uses one (Lumina-mGPT does; the shipped model does not).
 */
export interface ImageLayout {
  /** Image tokens per row. */
  readonly gridWidth: number;
  /** Rows of image tokens. */
  readonly gridHeight: number;
  /** Token ids that may stand at an image cell. */
  readonly imageTokens: TokenRange;
  /** Token that ends every row, or `null` when rows are not delimited. */
  readonly endOfRowToken: number | null;
}

/** Number of generated tokens: every cell, plus one end-of-row token per row if used. */
export function sequenceLength(layout: ImageLayout): number {
  return layout.gridHeight * rowStride(layout);
}

/** Distance in the sequence between a position and the one directly below it. */
export function rowStride(layout: ImageLayout): number {
  return layout.gridWidth + (layout.endOfRowToken === null ? 0 : 1);
}

/** Whether the position holds the end-of-row token. */
export function isEndOfRow(layout: ImageLayout, position: number): boolean {
  return layout.endOfRowToken !== null && position % rowStride(layout) === layout.gridWidth;
}

/** The token ids allowed at a position of the generated sequence, as sorted ranges. */
export function allowedTokensAt(layout: ImageLayout, position: number): readonly TokenRange[] {
  if (isEndOfRow(layout, position)) return [{ start: layout.endOfRowToken!, count: 1 }];
  return [layout.imageTokens];
}

/**
 * The image's cell codes in raster order (end-of-row tokens dropped, image token ids
 * turned into code indices 0 … imageTokens.count − 1).
 */
export function imageCodes(layout: ImageLayout, sequence: ArrayLike<number>): Int32Array {
  const codes = new Int32Array(layout.gridWidth * layout.gridHeight);
  let n = 0;
  for (let p = 0; p < sequence.length; p++) {
    if (isEndOfRow(layout, p)) continue;
    codes[n++] = sequence[p]! - layout.imageTokens.start;
  }
  return codes;
}
