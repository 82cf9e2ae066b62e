import type { LogitsProvider, ModelManifest } from '@sjd/backend-node';

/**
 * What the server needs of a model: a `LogitsProvider` that also knows its manifest and
 * decodes image codes to pixels. `OnnxLogitsProvider` from `@sjd/backend-node` is one.
 */
export interface ImageModel extends LogitsProvider {
  readonly manifest: ModelManifest;
  /** Image codes (raster order) → RGB bytes, `pixelWidth × pixelHeight × 3`. */
  decodeImage(codes: Int32Array): Promise<Uint8Array>;
  /** Frees the model's runtime memory. */
  release?(): Promise<void>;
  /** Provider sessions currently open, for leak checks (optional). */
  readonly activeSessions?: number;
}
