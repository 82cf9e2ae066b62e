import { InvalidArgumentError } from '@sjd/core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateImage } from './generate-image.js';
import { OnnxLogitsProvider } from './onnx-logits-provider.js';
import { testModelDir } from './test-model.js';

let model: OnnxLogitsProvider;
beforeAll(async () => {
  model = await OnnxLogitsProvider.load({ modelDir: testModelDir });
});
afterAll(() => model.release());

describe('generateImage', () => {
  it('turns a caption into PNG bytes with statistics, reproducibly by seed', async () => {
    const a = await generateImage({ prompt: 'a large red circle in the centre.', model, seed: 3 });
    const png = PNG.sync.read(Buffer.from(a.png));
    expect([png.width, png.height]).toEqual([64, 64]);
    expect([a.width, a.height]).toEqual([64, 64]);
    expect(a.seed).toBe(3);
    expect(a.prompt).toBe('a large red circle in the centre');
    expect(a.statistics.tokens).toBe(a.statistics.steps * a.statistics.stepCompression);
    expect(a.statistics.steps).toBeLessThan(a.statistics.tokens);
    const again = await generateImage({
      prompt: 'a large red circle in the centre',
      model,
      seed: 3,
    });
    expect(Buffer.from(again.png).equals(Buffer.from(a.png))).toBe(true);
  });

  it('scales the PNG by whole pixels and rejects a bad scale by name', async () => {
    const big = await generateImage({ prompt: 'a small blue square', model, seed: 1, scale: 4 });
    const png = PNG.sync.read(Buffer.from(big.png));
    expect([png.width, png.height, big.width]).toEqual([256, 256, 256]);
    const small = await generateImage({ prompt: 'a small blue square', model, seed: 1 });
    const base = PNG.sync.read(Buffer.from(small.png));
    // Pixel (x, y) of the original is the 4×4 block at (4x, 4y) of the scaled one.
    for (const [x, y] of [
      [0, 0],
      [31, 17],
      [63, 63],
    ] as const) {
      const from = (y * 64 + x) * 4;
      const to = (y * 4 * 256 + x * 4 + 3 * 256 + 3) * 4;
      expect(png.data.subarray(to, to + 4)).toEqual(base.data.subarray(from, from + 4));
    }
    const error = await generateImage({ prompt: 'a small blue square', model, scale: 0 }).catch(
      (e: unknown) => e,
    );
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('scale');
  });

  it('loads the model itself when given none, and reports unknown words as prompt errors', async () => {
    const image = await generateImage({
      prompt: 'a small green triangle on the left',
      model: { modelDir: testModelDir },
      seed: 9,
      decoding: { method: 'ar' },
    });
    expect(image.statistics.steps).toBe(image.statistics.tokens);
    const error = await generateImage({ prompt: 'a purple elephant', model }).catch(
      (e: unknown) => e,
    );
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('prompt');
  });

  it('has no default model: the runtime package ships none, and says what to pass', async () => {
    const noModel = await generateImage({ prompt: 'a small blue square' } as never).catch(
      (e: unknown) => e,
    );
    expect(InvalidArgumentError.isInstance(noModel) && noModel.field).toBe('model');
    const noDir = await generateImage({ prompt: 'a small blue square', model: {} as never }).catch(
      (e: unknown) => e,
    );
    expect(InvalidArgumentError.isInstance(noDir) && noDir.field).toBe('modelDir');
    expect((noDir as InvalidArgumentError).allowed).toMatch(/shippedModelDir from @sjd\/shapes/);
  });
});
