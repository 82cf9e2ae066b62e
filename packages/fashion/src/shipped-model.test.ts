import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  encodePrompt,
  generateImage,
  OnnxLogitsProvider,
  parseModelManifest,
  prepareCaption,
  readModelFolder,
} from '@sjd/backend-node';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFashionSplit } from './fashion-dataset.js';
import { FashionJudge, fashionClassOf } from './fashion-judge.js';
import { fashionLabels, fashionModelDir } from './model-dir.js';

const manifestPath = join(fashionModelDir, 'manifest.json');

describe('the shipped fashion-v1 manifest', () => {
  it('validates, and its word-level tokenizer encodes every class prompt', async () => {
    const manifest = parseModelManifest(
      JSON.parse(readFileSync(manifestPath, 'utf8')),
      manifestPath,
    );
    expect(manifest.name).toBe('fashion-v1');
    expect([manifest.image.gridWidth, manifest.image.gridHeight]).toEqual([16, 16]);
    expect([manifest.image.pixelWidth, manifest.image.pixelHeight]).toEqual([32, 32]);
    for (const label of fashionLabels) {
      const { conditional, unconditional } = encodePrompt(manifest, label);
      expect(conditional.length).toBe(manifest.prompt.captionLength + 2);
      expect(unconditional.length).toBe(conditional.length);
    }
    expect(() => encodePrompt(manifest, 'a red circle')).toThrow(/does not know the word "red"/);
    // the folder check (files present, graphs matching) as every loader runs it
    expect((await readModelFolder(fashionModelDir)).manifest.name).toBe('fashion-v1');
  });

  it('keeps a prompt as written: the shapes reading-order rewrite is not applied', () => {
    const manifest = parseModelManifest(
      JSON.parse(readFileSync(manifestPath, 'utf8')),
      manifestPath,
    );
    expect(prepareCaption(manifest, ' an  ankle boot. ')).toBe('an ankle boot');
    expect(fashionClassOf('An ankle boot')).toBe(9);
  });
});

describe('fashion-v1 through @sjd/backend-node (real onnxruntime)', () => {
  let model: OnnxLogitsProvider;
  beforeAll(async () => {
    model = await OnnxLogitsProvider.load({ modelDir: fashionModelDir });
  });
  afterAll(() => model.release());

  it('turns a class prompt into a 32×32 PNG, reproducibly by seed, with SJD taking fewer steps than tokens', async () => {
    const a = await generateImage({ prompt: 'an ankle boot', model, seed: 4 });
    const png = PNG.sync.read(Buffer.from(a.png));
    expect([png.width, png.height]).toEqual([32, 32]);
    expect(a.statistics.tokens).toBe(256);
    expect(a.statistics.steps).toBeLessThanOrEqual(256);
    const again = await generateImage({ prompt: 'an ankle boot', model, seed: 4 });
    expect(Buffer.from(again.png).equals(Buffer.from(a.png))).toBe(true);
    // greyscale: the decoder repeats one value on R, G and B
    for (let i = 0; i < png.data.length; i += 4) {
      expect(png.data[i + 1]).toBe(png.data[i]);
      expect(png.data[i + 2]).toBe(png.data[i]);
    }
  });
});

describe('the shipped judge (eval/classifier.onnx)', () => {
  it('classifies held-out Fashion-MNIST test images far above chance', async () => {
    const judge = await FashionJudge.open();
    const test = readFashionSplit('test');
    const images = test.images.slice(0, 300);
    const verdicts = await judge.judge(images);
    await judge.release();
    const accuracy =
      verdicts.filter((v, i) => v.predicted === test.labels[i]).length / images.length;
    expect(accuracy).toBeGreaterThan(0.8);
    expect(verdicts[0]!.features.length).toBe(64);
  });
});
