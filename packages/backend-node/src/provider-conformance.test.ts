import { runProviderConformance } from '@sjd/core/testing';
import { describe, expect, it } from 'vitest';
import { loadModel } from './load-model.js';
import { testModelDir } from './test-model.js';

// The LogitsProvider contract (@sjd/core/testing's suite) on the real model, on both cache
// strategies and with the forward batcher on: rows, padding, truncate, buffer reuse, dispose.
describe('the onnxruntime-node sjd-model provider conforms to LogitsProvider v1', () => {
  for (const options of [
    { cacheStrategy: 'trim' },
    { cacheStrategy: 'mask' },
    { cacheStrategy: 'trim', maxBatchRows: 8 },
  ] as const) {
    it(JSON.stringify(options), async () => {
      const model = await loadModel({ modelDir: testModelDir, threads: 1, ...options });
      try {
        const long = model.encodePrompt('a large red circle in the centre');
        const short = model.encodePrompt('a small blue square');
        const failures = await runProviderConformance(model, {
          // Prompts of an sjd-model are all padded to one length: a prompt cut short tests padding.
          prompts: [long.conditional, short.conditional.slice(4), long.unconditional],
        });
        expect(failures).toEqual([]);
        expect(model.activeSessions).toBe(0);
      } finally {
        await model.release();
      }
    });
  }
});
