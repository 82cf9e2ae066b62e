import { OnnxLogitsProvider } from '@sjd/backend-node';
import { encodePrompt, generate, generateStream } from '@sjd/core';
import { ExecutionProviderError, ModelLoadError } from '@sjd/onnx-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderFetch, TEST_ORIGIN, testModelDir } from './test-model.js';
import { WebLogitsProvider } from './web-logits-provider.js';

const CAPTION = 'a large red circle in the centre and a small blue square at the top left';
const modelUrl = `${TEST_ORIGIN}/model/`;

let model: WebLogitsProvider;
beforeAll(async () => {
  model = await WebLogitsProvider.load({
    modelUrl,
    fetch: folderFetch(testModelDir),
    executionProvider: 'wasm',
    threads: 1,
  });
});
afterAll(() => model.release());

describe('WebLogitsProvider (onnxruntime-web wasm, in Node)', () => {
  it('reports the execution provider that runs', () => {
    expect(model.executionProviderReport).toMatchObject({
      requested: 'wasm',
      active: 'wasm',
      adapter: null,
      fallbackReason: null,
      samplingKernel: 'wasm',
    });
    expect(model.providerId).toBe(`onnxruntime-web/wasm/${model.manifest.name}`);
  });

  it('auto without WebGPU falls back to wasm and says why; insisting on webgpu throws a typed error', async () => {
    const auto = await WebLogitsProvider.load({ modelUrl, fetch: folderFetch(testModelDir) });
    expect(auto.executionProvider).toBe('wasm');
    expect(auto.executionProviderReport.fallbackReason).toMatch(/WebGPU|navigator\.gpu/);
    await auto.release();
    const error = await WebLogitsProvider.load({
      modelUrl,
      fetch: folderFetch(testModelDir),
      executionProvider: 'webgpu',
    }).catch((e) => e);
    expect(ExecutionProviderError.isInstance(error)).toBe(true);
    expect(error.name).toBe('SjdExecutionProviderError');
    expect(error.executionProvider).toBe('webgpu');
    expect(error.message).toMatch(/WebGPU is not available/);
  });

  it('greedy decoding gives the same tokens as @sjd/backend-node (CFG on, SJD and vanilla)', async () => {
    const node = await OnnxLogitsProvider.load({ modelDir: testModelDir, threads: 1 });
    try {
      const p = encodePrompt(model.manifest, CAPTION);
      const run = async (provider: WebLogitsProvider | OnnxLogitsProvider, method: 'ar' | 'sjd') =>
        (
          await generate({
            provider,
            prompt: p.conditional,
            unconditionalPrompt: p.unconditional,
            seed: 3,
            sampling: { temperature: 0, cfgScale: 3 },
            decoding: { method, window: 16, init: 'vertical' },
          })
        ).images[0]!.tokens;
      const reference = await run(node, 'ar');
      expect(await run(model, 'ar')).toEqual(reference);
      expect(await run(model, 'sjd')).toEqual(reference);
    } finally {
      await node.release();
    }
  });

  for (const strategy of ['trim', 'mask'] as const) {
    it(`${strategy}: after dropping rejected drafts, logits equal a fresh forward over the committed tokens`, async () => {
      const provider = await WebLogitsProvider.load({
        modelUrl,
        fetch: folderFetch(testModelDir),
        executionProvider: 'wasm',
        cacheStrategy: strategy,
      });
      const p = encodePrompt(provider.manifest, CAPTION);
      const prefixes = [p.conditional.subarray(0, -1), p.unconditional.subarray(0, -1)];
      const start = provider.layout.imageTokens.start;
      const drafts = Int32Array.from([2, 0, 400, 17, 17, 9, 300, 5].map((c) => start + c));
      const boi = p.conditional.at(-1)!;
      const session = await provider.openSession({ prefixes });
      const base = session.length;
      await session.evaluate([Int32Array.of(boi, ...drafts), Int32Array.of(boi, ...drafts)]);
      await session.truncate(base + 4);
      const next = Int32Array.of(start + 42, start + 1, start + 2);
      await session.evaluate([next, next]);
      await session.truncate(base + 5);
      const last = Int32Array.of(start + 1, start + 77);
      const incremental = await session.evaluate([last, last]);

      const fresh = await provider.openSession({ prefixes });
      const whole = Int32Array.of(boi, ...drafts.subarray(0, 3), start + 42, start + 1, start + 77);
      const reference = await fresh.evaluate([whole, whole]);
      const v = provider.vocabSize;
      for (let r = 0; r < 2; r++) {
        const tail = reference[r]!.subarray((whole.length - 2) * v);
        let maxDiff = 0;
        for (let i = 0; i < tail.length; i++)
          maxDiff = Math.max(maxDiff, Math.abs(tail[i]! - incremental[r]![i]!));
        expect(maxDiff).toBeLessThan(1e-3);
      }
      await session.dispose();
      await fresh.dispose();
      await provider.release();
    });
  }

  it('calibrates its step costs for the automatic window, and decodes with it', async () => {
    expect(model.calibrated).toBe(false);
    expect(model.relativeCost(33)).toBe(2);
    await model.calibrate();
    expect(model.calibrated).toBe(true);
    expect(model.relativeCost(1)).toBe(1);
    expect(model.relativeCost(128)).toBeGreaterThan(1);
    expect(model.relativeCost(200)).toBeGreaterThan(model.relativeCost(128) - 1e-9);
    expect(model.activeSessions).toBe(0);
    const p = encodePrompt(model.manifest, CAPTION);
    const result = await generate({
      provider: model,
      prompt: p.conditional,
      seed: 2,
      decoding: { method: 'sjd', window: 'auto' },
    });
    expect(result.images[0]!.tokens).toHaveLength(256);
  });

  it('releases sessions after completed and cancelled generations', async () => {
    const p = encodePrompt(model.manifest, CAPTION);
    await generate({ provider: model, prompt: p.conditional, seed: 1, decoding: { window: 16 } });
    const controller = new AbortController();
    await expect(async () => {
      for await (const e of generateStream({
        provider: model,
        prompt: p.conditional,
        signal: controller.signal,
      })) {
        if (e.type === 'token-block') controller.abort();
      }
    }).rejects.toThrow(/abort/i);
    expect(model.activeSessions).toBe(0);
  });

  it('decodes codes to RGB and rejects codes out of range', async () => {
    const { pixelWidth, pixelHeight } = model.manifest.image;
    const codes = new Int32Array(256);
    expect((await model.decodeImage(codes)).length).toBe(pixelWidth * pixelHeight * 3);
    codes[3] = 99_999;
    await expect(model.decodeImage(codes)).rejects.toThrow(/codes\[3\]/);
  });

  it('a file that is not ONNX is a ModelLoadError naming its URL', async () => {
    const real = folderFetch(testModelDir);
    const broken = (async (input: string | URL | Request) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.endsWith(model.manifest.files.decoder))
        return new Response(new Uint8Array([1, 2, 3, 4]));
      return real(input);
    }) as typeof fetch;
    const error = await WebLogitsProvider.load({
      modelUrl,
      fetch: broken,
      executionProvider: 'wasm',
    }).catch((e) => e);
    expect(ModelLoadError.isInstance(error)).toBe(true);
    expect(error.problem).toBe('corrupt-onnx');
    expect(error.path).toBe(`${modelUrl}${model.manifest.files.decoder}`);
  });
});
