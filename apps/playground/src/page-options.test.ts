import { describe, expect, it } from 'vitest';
import { readPageOptions } from './page-options.js';

describe('readPageOptions', () => {
  it('reads the backend, threads and the test hook, ignoring what it does not know', () => {
    expect(readPageOptions('')).toEqual({
      backend: 'auto',
      threads: undefined,
      testHook: false,
      verifyWebGpu: true,
    });
    expect(readPageOptions('?backend=webgpu&threads=2&test&verifyWebGpu=0')).toEqual({
      backend: 'webgpu',
      threads: 2,
      testHook: true,
      verifyWebGpu: false,
    });
    expect(readPageOptions('?backend=webgl&threads=-1')).toEqual({
      backend: 'auto',
      threads: undefined,
      testHook: false,
      verifyWebGpu: true,
    });
  });
});
