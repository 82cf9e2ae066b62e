import { generate } from '@sjd/core';
import { runProviderConformance } from '@sjd/core/testing';
import { janusFixturePath } from '@sjd/janus-fixtures';
import { ModelLoadError } from '@sjd/onnx-common';
import { describe, expect, it, vi } from 'vitest';
import { loadWebModel } from './load-web-model.js';
import { folderFetch, TEST_ORIGIN } from './test-model.js';

// A Janus folder in the transformers.js layout (the tiny random-weight fixture) through
// loadWebModel: recognised by its config.json, the six sub-models fetched from the page's
// origin and run on onnxruntime-web's wasm build (in Node, as this package's tests run).
const tiny = janusFixturePath('janus-tiny');
const load = (options: { dtype?: string | Record<string, string>; hits?: string[] } = {}) =>
  loadWebModel({
    modelUrl: `${TEST_ORIGIN}/model/`,
    fetch: folderFetch(tiny, options.hits),
    executionProvider: 'wasm',
    threads: 1,
    ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
  });

describe('a Janus folder through loadWebModel (the janus web family)', () => {
  it('loads from the page origin in the chosen dtype, generates and decodes an image', async () => {
    const hits: string[] = [];
    const model = await load({ dtype: { language_model: 'fp16' }, hits });
    try {
      expect(model.family).toBe('janus');
      expect(model.executionProviderReport.active).toBe('wasm');
      expect([model.pixelWidth, model.pixelHeight]).toEqual([16, 16]);
      expect(model.promptVocabulary).toBeUndefined();
      expect(hits).toContain(`${TEST_ORIGIN}/model/onnx/language_model_fp16.onnx`);
      expect(hits).toContain(`${TEST_ORIGIN}/model/onnx/gen_head.onnx`);
      const prompt = model.encodePrompt(model.prepareCaption('a red fox in fresh snow'));
      const result = await generate({
        provider: model,
        prompt: prompt.conditional,
        unconditionalPrompt: prompt.unconditional,
        seed: 2,
        sampling: model.recommendedSampling,
        decoding: { method: 'sjd', window: 4 },
      });
      const rgb = await model.decodeImage(result.images[0]!.codes);
      expect(rgb.length).toBe(16 * 16 * 3);
      expect(model.activeSessions).toBe(0);
    } finally {
      await model.release();
    }
  });

  it('conforms to LogitsProvider v1 on wasm', async () => {
    const model = await load();
    try {
      const long = model.encodePrompt('a red fox in fresh snow under a pale sky');
      const short = model.encodePrompt('a cat');
      const failures = await runProviderConformance(model, {
        prompts: [long.conditional, short.conditional, long.unconditional],
      });
      expect(failures).toEqual([]);
    } finally {
      await model.release();
    }
  });

  it('a sub-model missing in the chosen dtype is a ModelLoadError naming its URL and the dtype', async () => {
    const error = await load({ dtype: 'q4' }).catch((e) => e);
    expect(ModelLoadError.isInstance(error), String(error)).toBe(true);
    expect(error.problem).toBe('missing-file');
    expect(error.path).toBe(`${TEST_ORIGIN}/model/onnx/prepare_inputs_embeds_q4.onnx`);
    expect(error.message).toMatch(/in dtype q4/);
  });

  it('a Janus folder on another origin than the page is refused before any request', async () => {
    const hits: string[] = [];
    vi.stubGlobal('location', { origin: TEST_ORIGIN });
    try {
      const error = await loadWebModel({
        modelUrl: 'http://elsewhere.test/model/',
        fetch: folderFetch(tiny, hits),
        executionProvider: 'wasm',
      }).catch((e) => e);
      expect(ModelLoadError.isInstance(error), String(error)).toBe(true);
      expect(error.problem).toBe('cross-origin');
      expect(hits).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
