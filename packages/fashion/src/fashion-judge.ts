import * as ort from 'onnxruntime-node';
import { fashionClassifierPath, fashionLabels } from './model-dir.js';

/** What the classifier saw in one image. */
export interface Judgement {
  /** Penultimate features (64), the space FID is measured in. */
  readonly features: Float32Array;
  /** The most likely class, an index into {@link fashionLabels}. */
  readonly predicted: number;
}

const SIDE = 32;

/**
 * The fashion model's judge: the Fashion-MNIST classifier the training pipeline ships in
 * `packages/fashion/eval/classifier.onnx`, run with onnxruntime-node on one thread.
 */
export class FashionJudge {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async open(path = fashionClassifierPath): Promise<FashionJudge> {
    const session = await ort.InferenceSession.create(path, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    return new FashionJudge(session);
  }

  /**
   * Judges images given as RGB bytes (32×32×3, what the model's image decoder gives; the red
   * channel is read, the three are equal) or as greyscale bytes (32×32).
   */
  async judge(images: readonly Uint8Array[]): Promise<Judgement[]> {
    const out: Judgement[] = [];
    const batch = 256;
    for (let start = 0; start < images.length; start += batch) {
      const part = images.slice(start, start + batch);
      const input = new Float32Array(part.length * SIDE * SIDE);
      part.forEach((img, b) => {
        const stride = img.length / (SIDE * SIDE);
        if (stride !== 1 && stride !== 3) {
          throw new RangeError(
            `images[${start + b}]: ${img.length} bytes, expected ${SIDE * SIDE} (grey) or ${SIDE * SIDE * 3} (RGB)`,
          );
        }
        for (let i = 0; i < SIDE * SIDE; i++) input[b * SIDE * SIDE + i] = img[i * stride]! / 255;
      });
      const result = await this.session.run({
        images: new ort.Tensor('float32', input, [part.length, SIDE, SIDE]),
      });
      const features = result['features']!.data as Float32Array;
      const logits = result['logits']!.data as Float32Array;
      const dim = features.length / part.length;
      const classes = logits.length / part.length;
      for (let b = 0; b < part.length; b++) {
        let best = 0;
        for (let c = 1; c < classes; c++) {
          if (logits[b * classes + c]! > logits[b * classes + best]!) best = c;
        }
        out.push({ features: features.slice(b * dim, (b + 1) * dim), predicted: best });
      }
    }
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** The class a prompt asks for (an index into {@link fashionLabels}), or -1 if none. */
export function fashionClassOf(prompt: string): number {
  return fashionLabels.indexOf(prompt.trim().toLowerCase().replace(/\s+/g, ' '));
}
