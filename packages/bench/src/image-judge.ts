/**
 * How the benchmark judges an image of a shipped model: the shapes evaluator (the caption
 * holds) for `shapes-*` models; for `fashion-*` models the Fashion-MNIST classifier shipped
 * beside the model (the image shows the asked class), whose features also give FID.
 */
import type { ModelManifest } from '@sjd/backend-node';
import { FashionJudge, fashionClassOf } from '@sjd/fashion';
import { evaluateImage, imageDistance } from '@sjd/shapes';

/** One image's verdict; `features` only where FID is measured (fashion). */
export interface ImageVerdict {
  readonly holds: boolean;
  readonly features?: number[];
}

export interface ImageJudge {
  judge(rgb: Uint8Array, caption: string): Promise<ImageVerdict>;
  release(): Promise<void>;
}

/** True for the models judged by the fashion classifier. */
export function isFashionModel(manifest: Pick<ModelManifest, 'name'>): boolean {
  return manifest.name.startsWith('fashion-');
}

export async function openImageJudge(manifest: Pick<ModelManifest, 'name'>): Promise<ImageJudge> {
  if (!isFashionModel(manifest)) {
    return {
      judge: async (rgb, caption) => ({ holds: evaluateImage(rgb, caption).holds }),
      release: async () => {},
    };
  }
  const classifier = await FashionJudge.open();
  return {
    async judge(rgb, caption) {
      const asked = fashionClassOf(caption);
      if (asked < 0) throw new RangeError(`not a fashion-v1 prompt: ${JSON.stringify(caption)}`);
      const [verdict] = await classifier.judge([rgb]);
      return { holds: verdict!.predicted === asked, features: Array.from(verdict!.features) };
    },
    release: () => classifier.release(),
  };
}

/**
 * Mean over all unordered pairs of the mean absolute byte difference / 255: the images of
 * one prompt under different seeds (any size, all the same).
 */
export function pairwiseDiversity(images: readonly Uint8Array[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) {
      sum += imageDistance(images[i]!, images[j]!);
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}
