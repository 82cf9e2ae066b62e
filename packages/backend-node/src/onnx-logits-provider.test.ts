import { encodePrompt, generate, generateStream } from '@sjd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxLogitsProvider } from './onnx-logits-provider.js';
import { testModelDir } from './test-model.js';

let model: OnnxLogitsProvider;
beforeAll(async () => {
  model = await OnnxLogitsProvider.load({ modelDir: testModelDir });
});
afterAll(() => model.release());

const CAPTION = 'a large red circle in the centre and a small blue square at the top left';

function prompt() {
  return encodePrompt(model.manifest, CAPTION);
}

describe('OnnxLogitsProvider on the real model', () => {
  it('SJD, Jacobi and vanilla AR give the same tokens at temperature 0 (CFG on)', async () => {
    const p = prompt();
    const run = async (
      method: 'ar' | 'sjd' | 'jacobi',
      window: number,
      init: 'random' | 'vertical',
    ) =>
      (
        await generate({
          provider: model,
          prompt: p.conditional,
          unconditionalPrompt: p.unconditional,
          seed: 5,
          sampling: { temperature: 0, cfgScale: 3 },
          decoding: { method, window, init },
        })
      ).images[0]!.tokens;
    const greedy = await run('ar', 1, 'random');
    expect(await run('sjd', 16, 'random')).toEqual(greedy);
    expect(await run('sjd', 7, 'vertical')).toEqual(greedy);
    expect(await run('jacobi', 32, 'vertical')).toEqual(greedy);
  });

  it('a fixed seed reproduces the same image; another seed gives another', async () => {
    const p = prompt();
    const run = async (seed: number) => {
      const result = await generate({
        provider: model,
        prompt: p.conditional,
        unconditionalPrompt: p.unconditional,
        seed,
        sampling: { cfgScale: 3 },
        decoding: { method: 'sjd', window: 16, init: 'vertical' },
      });
      return model.decodeImage(result.images[0]!.codes);
    };
    const a = await run(11);
    expect(await run(11)).toEqual(a);
    expect(await run(12)).not.toEqual(a);
    expect(a.length).toBe(64 * 64 * 3);
  });

  for (const strategy of ['trim', 'mask'] as const) {
    it(`${strategy}: after dropping rejected drafts, logits equal a fresh forward over the committed tokens`, async () => {
      const provider = await OnnxLogitsProvider.load({
        modelDir: testModelDir,
        cacheStrategy: strategy,
      });
      const p = prompt();
      const prefixes = [p.conditional.subarray(0, -1), p.unconditional.subarray(0, -1)];
      const start = model.layout.imageTokens.start;
      const drafts = Int32Array.from([2, 0, 400, 17, 17, 9, 300, 5].map((c) => start + c));
      const session = await provider.openSession({ prefixes });
      const base = session.length;
      // Step 1: pending BOI + 8 drafts; keep BOI + 3 accepted.
      await session.evaluate([
        Int32Array.of(p.conditional.at(-1)!, ...drafts),
        Int32Array.of(p.conditional.at(-1)!, ...drafts),
      ]);
      await session.truncate(base + 4);
      // Step 2: the next committed token plus two drafts; keep one; step 3 again.
      const next = Int32Array.of(start + 42, start + 1, start + 2);
      await session.evaluate([next, next]);
      await session.truncate(base + 5);
      const last = Int32Array.of(start + 1, start + 77);
      const incremental = await session.evaluate([last, last]);

      const fresh = await provider.openSession({ prefixes });
      const whole = Int32Array.of(
        p.conditional.at(-1)!,
        ...drafts.subarray(0, 3),
        start + 42,
        start + 1,
        start + 77,
      );
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

  it('releases sessions: none left open after completed, failed and cancelled generations', async () => {
    const p = prompt();
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
    const codes = new Int32Array(256);
    expect((await model.decodeImage(codes)).length).toBe(64 * 64 * 3);
    codes[3] = 99_999;
    await expect(model.decodeImage(codes)).rejects.toThrow(/codes\[3\]/);
    await expect(model.decodeImage(new Int32Array(5))).rejects.toThrow(/256 image codes/);
  });
});
