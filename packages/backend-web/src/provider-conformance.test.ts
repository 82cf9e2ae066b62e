import { runProviderConformance } from '@sjd/core/testing';
import { describe, expect, it } from 'vitest';
import { loadWebModel } from './load-web-model.js';
import { folderFetch, TEST_ORIGIN, testModelDir } from './test-model.js';

// The LogitsProvider contract (@sjd/core/testing's suite) on onnxruntime-web's wasm build,
// run in Node as the other tests of this package are.
describe('the onnxruntime-web sjd-model provider conforms to LogitsProvider v1', () => {
  it('on wasm', async () => {
    const model = await loadWebModel({
      modelUrl: `${TEST_ORIGIN}/model/`,
      fetch: folderFetch(testModelDir),
      executionProvider: 'wasm',
      threads: 1,
    });
    try {
      expect(model.family).toBe('sjd-model');
      const long = model.encodePrompt('a large red circle in the centre');
      const short = model.encodePrompt('a small blue square');
      const failures = await runProviderConformance(model, {
        prompts: [long.conditional, short.conditional.slice(4), long.unconditional],
      });
      expect(failures).toEqual([]);
      expect(model.activeSessions).toBe(0);
    } finally {
      await model.release();
    }
  });
});
