import { ExecutionProviderError, InvalidArgumentError, ModelLoadError } from '@sjd/backend-web';
import { describe, expect, it } from 'vitest';
import { describeBackend } from './describe-backend.js';
import { describeError } from './describe-error.js';

describe('describeError', () => {
  it('names the kind of failure and what to do', () => {
    const missing = describeError(
      new ModelLoadError({
        problem: 'missing-file',
        path: '/model/manifest.json',
        message: 'not found (HTTP 404)',
      }),
    );
    expect(missing).toMatchObject({ kind: 'model-load', headline: 'The model failed to load' });
    expect(missing.hint).toMatch(/SJD_MODEL_DIR/);
    const gpu = describeError(
      new ExecutionProviderError({
        executionProvider: 'webgpu',
        message: 'WebGPU is not available: no adapter',
      }),
    );
    expect(gpu).toMatchObject({
      kind: 'execution-provider',
      headline: 'WebGPU is not available',
      detail: 'No adapter',
    });
    const word = describeError(
      new InvalidArgumentError({ field: 'prompt', allowed: 'known words', received: 'hexagon' }),
    );
    expect(word).toMatchObject({ kind: 'invalid-setting', headline: 'Check the prompt' });
    expect(describeError(new Error('boom'))).toMatchObject({ kind: 'generation', detail: 'boom' });
  });
});

describe('describeBackend', () => {
  const report = {
    requested: 'auto',
    active: 'wasm',
    threads: 2,
    crossOriginIsolated: true,
    adapter: null,
    fallbackReason: 'no adapter',
    webGpuLogitDifference: null,
    samplingKernel: 'wasm',
  } as const;
  it('says where the model runs and why not on WebGPU', () => {
    expect(describeBackend('shapes', report)).toBe(
      'Model shapes on WebAssembly, 2 threads — WebGPU not used: no adapter.',
    );
    expect(
      describeBackend('shapes', {
        ...report,
        threads: 1,
        crossOriginIsolated: false,
        fallbackReason: null,
      }),
    ).toBe('Model shapes on WebAssembly, 1 thread (page not cross-origin isolated).');
    expect(
      describeBackend('shapes', {
        ...report,
        active: 'webgpu',
        adapter: 'google swiftshader (software)',
        fallbackReason: null,
        webGpuLogitDifference: 0.001,
      }),
    ).toBe('Model shapes on WebGPU (google swiftshader (software)).');
  });
});
