/**
 * Two providers on the test model, loaded before the calling file's tests and released after
 * them: one that merges concurrent sessions into shared forward passes (`maxBatchRows` 8) and
 * one with batching off, to check that a request gives the same tokens either way.
 */
import { afterAll, beforeAll } from 'vitest';
import { OnnxLogitsProvider } from '../onnx-logits-provider.js';
import { testModelDir } from '../test-model.js';

export interface BatchedAndAlone {
  readonly batched: OnnxLogitsProvider;
  readonly alone: OnnxLogitsProvider;
}

/** Read `.batched` and `.alone` inside a test, once `beforeAll` has loaded them. */
export function useBatchedAndAloneProviders(): BatchedAndAlone {
  let loaded: BatchedAndAlone | undefined;
  beforeAll(async () => {
    loaded = {
      batched: await OnnxLogitsProvider.load({ modelDir: testModelDir, maxBatchRows: 8 }),
      alone: await OnnxLogitsProvider.load({ modelDir: testModelDir, maxBatchRows: 1 }),
    };
  });
  afterAll(async () => {
    await loaded?.batched.release();
    await loaded?.alone.release();
  });
  const get = () => {
    if (!loaded) throw new Error('the providers are read before beforeAll loaded them');
    return loaded;
  };
  return {
    get batched() {
      return get().batched;
    },
    get alone() {
      return get().alone;
    },
  };
}
