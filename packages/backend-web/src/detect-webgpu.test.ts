import { describe, expect, it } from 'vitest';
import { detectWebGpu } from './detect-webgpu.js';

describe('detectWebGpu', () => {
  it('no navigator.gpu', async () => {
    const probe = await detectWebGpu(undefined);
    expect(probe).toMatchObject({ available: false });
  });

  it('no adapter, and an adapter request that throws', async () => {
    expect(await detectWebGpu({ requestAdapter: async () => null })).toMatchObject({
      available: false,
      reason: expect.stringMatching(/no adapter/),
    });
    const throwing = await detectWebGpu({
      requestAdapter: async () => {
        throw new Error('device lost');
      },
    });
    expect(throwing).toMatchObject({
      available: false,
      reason: expect.stringMatching(/device lost/),
    });
  });

  it('tells a software fallback adapter from a hardware one', async () => {
    const software = await detectWebGpu({
      requestAdapter: async () => ({
        info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true },
      }),
    });
    expect(software).toMatchObject({
      available: true,
      software: true,
      description: 'google swiftshader (software)',
    });
    const hardware = await detectWebGpu({
      requestAdapter: async () => ({ info: { vendor: 'nvidia', architecture: 'ampere' } }),
    });
    expect(hardware).toMatchObject({
      available: true,
      software: false,
      description: 'nvidia ampere',
    });
  });
});
