import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, InvalidArgumentError } from '@sjd/core';
import { runProviderConformance } from '@sjd/core/testing';
import { janusFixturePath } from '@sjd/janus-fixtures';
import { ModelLoadError } from '@sjd/onnx-common';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { generateImage } from '../generate-image.js';
import { loadModel } from '../load-model.js';
import { loadJanusModel } from './load-janus-model.js';

const tiny = janusFixturePath('janus-tiny');
const FP16 = 'fp16';

describe('a Janus folder through loadModel (the janus family)', () => {
  it('is recognised and adapted: name, size, sampling, open vocabulary', async () => {
    const model = await loadModel({ modelDir: tiny, threads: 1 });
    try {
      expect(model.family).toBe('janus');
      expect(model.name).toBe('janus-tiny');
      expect(model.modelDir).toBe(tiny);
      expect([model.pixelWidth, model.pixelHeight]).toEqual([16, 16]);
      expect(model.recommendedSampling).toEqual({ temperature: 1, topK: 16, topP: 1, cfgScale: 5 });
      expect(model.promptVocabulary).toBeUndefined();
      expect(model.prepareCaption('  a red   fox ')).toBe('a red fox');
      expect(() => model.encodePrompt('  ')).toThrow(InvalidArgumentError);
    } finally {
      await model.release();
    }
  });

  it('gives the tokens and pixels of loadJanusModel, with its own sessions unwrapped', async () => {
    const model = await loadModel({ modelDir: tiny, threads: 1 });
    const janus = await loadJanusModel(tiny, { threads: 1 });
    try {
      const { conditional, unconditional } = model.encodePrompt('a red fox');
      const direct = janus.encodePrompt('a red fox');
      expect(conditional).toEqual(direct.prompt);
      expect(unconditional).toEqual(direct.unconditionalPrompt);
      const options = {
        prompt: conditional,
        unconditionalPrompt: unconditional,
        seed: 3,
        sampling: { temperature: 1, cfgScale: 5, topK: 16 },
        decoding: { method: 'sjd', window: 4 },
      } as const;
      const viaFamily = await generate({ provider: model, ...options });
      const viaJanus = await generate({ provider: janus, ...options });
      const codes = viaFamily.images[0]!.codes;
      expect(codes).toEqual(viaJanus.images[0]!.codes);
      const rgb = await model.decodeImage(codes);
      expect(rgb).toEqual((await janus.decodeImage(codes)).rgb);
      expect(rgb.length).toBe(16 * 16 * 3);
      // The adapter adds no layer per step: the session is the Janus provider's own class.
      const session = await model.openSession({ prefixes: [conditional.slice(0, -1)] });
      const own = await janus.openSession({ prefixes: [conditional.slice(0, -1)] });
      expect(session.constructor).toBe(own.constructor);
      expect(model.activeSessions).toBe(1);
      await session.dispose();
      await own.dispose();
      expect(model.activeSessions).toBe(0);
    } finally {
      await model.release();
      await janus.release();
    }
  });

  it('generateImage writes a PNG of the folder size', async () => {
    const model = await loadModel({ modelDir: tiny, threads: 1 });
    try {
      const image = await generateImage({ prompt: 'a red fox in snow', model, seed: 1 });
      const png = PNG.sync.read(Buffer.from(image.png));
      expect([png.width, png.height]).toEqual([16, 16]);
      expect(image.statistics.tokens).toBe(16);
    } finally {
      await model.release();
    }
  });

  it('takes dtype as one name or per sub-model, and names dtype when it is bad', async () => {
    const model = await loadModel({ modelDir: tiny, threads: 1, dtype: { language_model: FP16 } });
    await model.release();
    const bad = loadModel({ modelDir: tiny, dtype: 'q3' });
    await expect(bad).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(bad).rejects.toMatchObject({ field: 'dtype' });
    await expect(loadModel({ modelDir: tiny, dtype: { decoder: 'fp16' } })).rejects.toMatchObject({
      field: 'dtype.decoder',
    });
    await expect(
      loadModel({ modelDir: tiny, dtype: 3 as unknown as string }),
    ).rejects.toMatchObject({ field: 'dtype' });
    await expect(
      loadModel({ modelDir: tiny, dtype: { language_model: '' } }),
    ).rejects.toMatchObject({ field: 'dtype.language_model' });
  });
});

// The LogitsProvider contract (@sjd/core/testing's suite) on the Janus provider as loadModel
// gives it, fp32 and fp16 weights (fp16 KV caches), both cache strategies.
describe('a Janus folder without preprocessor_config.json', () => {
  it('takes its pixel size from image_decode (one probe decode at load)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sjd-janus-no-preprocessor-'));
    try {
      cpSync(tiny, dir, { recursive: true });
      rmSync(join(dir, 'preprocessor_config.json'));
      const model = await loadModel({ modelDir: dir, threads: 1 });
      try {
        expect([model.pixelWidth, model.pixelHeight]).toEqual([16, 16]);
      } finally {
        await model.release();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('folders the janus family does not take', () => {
  it('a config.json of another model_type, or not JSON, is no family’s: unknown-family naming config.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sjd-not-janus-'));
    try {
      for (const text of ['{"model_type": "llama"}', '{ not json']) {
        writeFileSync(join(dir, 'config.json'), text);
        const error = await loadModel({ modelDir: dir }).catch((e) => e);
        expect(ModelLoadError.isInstance(error), String(error)).toBe(true);
        expect(error.problem).toBe('unknown-family');
        expect(error.path).toBe(join(dir, 'config.json'));
        expect(error.message).toMatch(/janus \(config\.json with "model_type": "multi_modality"\)/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the onnxruntime-node Janus provider conforms to LogitsProvider v1', () => {
  for (const options of [
    { cacheStrategy: 'trim' },
    { cacheStrategy: 'mask' },
    { cacheStrategy: 'trim', dtype: FP16 },
    { cacheStrategy: 'mask', dtype: FP16 },
  ] as const) {
    it(JSON.stringify(options), async () => {
      const model = await loadModel({ modelDir: tiny, threads: 1, ...options });
      try {
        const long = model.encodePrompt('a red fox in fresh snow under a pale sky');
        const short = model.encodePrompt('a cat');
        const failures = await runProviderConformance(model, {
          prompts: [long.conditional, short.conditional, long.unconditional],
          // fp16 weights and caches round differently for other matrix shapes.
          ...(options.dtype === FP16 ? { tolerance: 1e-2 } : {}),
        });
        expect(failures).toEqual([]);
        expect(model.activeSessions).toBe(0);
      } finally {
        await model.release();
      }
    });
  }
});
