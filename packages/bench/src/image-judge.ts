/**
 * How the benchmark judges an image of a shipped model: the shapes evaluator (the caption
 * holds) for `shapes-*` models; for `fashion-*` models the Fashion-MNIST classifier shipped
 * beside the model (the image shows the asked class), whose features also give FID.
 */
import type { ModelManifest } from '@sjd/backend-node';
import { FashionJudge, fashionClassOf } from '@sjd/fashion';
import { evaluateImage } from '@sjd/shapes';

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
