import type { ModelManifest } from '@sjd/core';
import type { InferenceSession } from 'onnxruntime-common';
import { imageCodeIds } from './image-code-ids.js';
import { ModelLoadError } from './model-load-error.js';
import type { OnnxRuntime } from './onnx-runtime.js';

/**
 * The model's image decoder (codes → pixels), e.g. a VQ codebook lookup, on an inference
 * session its backend created (`path` names its file for errors).
 */
export class ImageDecoder {
  private constructor(
    private readonly runtime: OnnxRuntime,
    private readonly session: InferenceSession,
    private readonly manifest: ModelManifest,
  ) {}

  /** Checks the session against the manifest (releasing it if it does not match). */
  static async open(
    runtime: OnnxRuntime,
    session: InferenceSession,
    path: string,
    manifest: ModelManifest,
  ): Promise<ImageDecoder> {
    const { input, output } = manifest.image.imageDecoder;
    if (!session.inputNames.includes(input) || !session.outputNames.includes(output)) {
      await session.release();
      throw new ModelLoadError({
        problem: 'graph-mismatch',
        path,
        message: `expected input "${input}" and output "${output}" as manifest.json's image.imageDecoder says, found inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`,
      });
    }
    return new ImageDecoder(runtime, session, manifest);
  }

  /** Codes in raster order → RGB bytes (row-major, 3 per pixel). */
  async decode(codes: Int32Array): Promise<Uint8Array> {
    const { manifest } = this;
    const cells = manifest.image.gridWidth * manifest.image.gridHeight;
    const ids = imageCodeIds(codes, cells, manifest.vocabulary.image.count);
    const { input, output, range } = manifest.image.imageDecoder;
    const result = await this.session.run({
      [input]: new this.runtime.Tensor('int64', ids, [1, cells]),
    });
    const pixels = (await result[output]!.getData()) as Float32Array;
    const [low, high] = range;
    const rgb = new Uint8Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) {
      const v = ((pixels[i]! - low) / (high - low)) * 255;
      rgb[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
    for (const tensor of Object.values(result)) tensor.dispose();
    return rgb;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
