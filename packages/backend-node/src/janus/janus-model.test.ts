import path from 'node:path';
import {
  AutoProcessor,
  BaseStreamer,
  env,
  MultiModalityCausalLM,
  type RawImage,
  type VLChatProcessor,
} from '@huggingface/transformers';
import { type DecodingMethod, generate } from '@sjd/core';
import { janusFixturePath } from '@sjd/janus-fixtures';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../encode-png.js';
import { loadJanusModel } from './load-janus-model.js';

const tiny = janusFixturePath('janus-tiny');
let model: Awaited<ReturnType<typeof loadJanusModel>>;

beforeAll(async () => {
  model = await loadJanusModel(tiny);
});
afterAll(async () => {
  await model?.release();
});

const FP16 = {
  prepare_inputs_embeds: 'fp16',
  language_model: 'fp16',
  lm_head: 'fp16',
  gen_head: 'fp16',
  gen_img_embeds: 'fp16',
  image_decode: 'fp32',
} as const;

async function run(method: DecodingMethod, cfgScale: number, window = 8, seed = 1, m = model) {
  const { prompt, unconditionalPrompt } = m.encodePrompt('a cat');
  const result = await generate({
    provider: m,
    prompt,
    unconditionalPrompt,
    seed,
    sampling: { temperature: 0, cfgScale },
    decoding: { method, window, init: 'random' },
  });
  return result.images[0]!;
}

/** transformers.js' own greedy image generation on the same folder, and its tokens. */
async function transformersJsGreedy(dtype: 'fp32' | typeof FP16 = 'fp32', folder = tiny) {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${path.dirname(folder)}/`;
  const name = path.basename(folder);
  const processor = (await AutoProcessor.from_pretrained(name)) as VLChatProcessor;
  const tjs = (await MultiModalityCausalLM.from_pretrained(name, {
    device: 'cpu',
    dtype,
  })) as MultiModalityCausalLM;
  const inputs = await processor([{ role: '<|User|>', content: 'a cat' }], {
    chat_template: 'text_to_image',
  });
  const steps: number[][] = [];
  class Collect extends BaseStreamer {
    override put(value: bigint[][]) {
      steps.push(value.map((row) => Number(row.at(-1))));
    }
    override end() {}
  }
  const n = processor.num_image_tokens as number;
  const images = (await tjs.generate_images({
    ...inputs,
    min_new_tokens: n,
    max_new_tokens: n,
    do_sample: false,
    guidance_scale: 1,
    streamer: new Collect(),
  } as never)) as RawImage[];
  await tjs.dispose();
  // The first put is the prompt; then one token per step.
  const tokens = steps.slice(1).map((s) => s[0]!);
  const promptIds = Array.from(inputs.input_ids.data as BigInt64Array, Number);
  return { tokens, image: images[0]!, promptIds };
}

describe('loadJanusModel on the janus-tiny fixture', () => {
  it('reads sizes from the folder and IO names from the sessions', () => {
    expect(model.vocabSize).toBe(16);
    expect(model.layout).toEqual({
      gridWidth: 4,
      gridHeight: 4,
      imageTokens: { start: 0, count: 16 },
      endOfRowToken: null,
    });
    expect(model.promptVocabSize).toBeGreaterThan(256);
    expect(model.graph).toMatchObject({
      embeds: 'inputs_embeds',
      hidden: 'hidden_states',
      logits: 'logits',
      imageIds: 'image_ids',
      decodeInput: 'generated_tokens',
      decodeOutput: 'decoded_image',
      positionIds: true,
      layers: 2,
      kvHeads: 4,
      headDim: 8,
      kvType: 'float32',
    });
    expect(model.defaultCfgScale).toBe(5);
  });

  it('builds the unconditional prompt as the reference does: text → pad, first and last kept', () => {
    const { prompt, unconditionalPrompt } = model.encodePrompt('a cat');
    const pad = model.config.padToken;
    expect(unconditionalPrompt.length).toBe(prompt.length);
    expect(unconditionalPrompt[0]).toBe(prompt[0]);
    expect(unconditionalPrompt.at(-1)).toBe(prompt.at(-1));
    expect([...unconditionalPrompt.subarray(1, -1)].every((t) => t === pad)).toBe(true);
  });

  it('greedy SJD and Jacobi equal greedy vanilla token for token, with and without CFG', async () => {
    for (const cfg of [1, 5]) {
      const vanilla = await run('ar', cfg);
      for (const window of [1, 3, 16]) {
        expect([...(await run('sjd', cfg, window)).tokens]).toEqual([...vanilla.tokens]);
      }
      expect([...(await run('jacobi', cfg, 4)).tokens]).toEqual([...vanilla.tokens]);
    }
    expect(model.activeSessions).toBe(0);
  });

  it('matches transformers.js: same prompt ids, same greedy tokens, same image bytes', async () => {
    const reference = await transformersJsGreedy();
    expect([...model.encodePrompt('a cat').prompt]).toEqual(reference.promptIds);
    const ours = await run('sjd', 1, 8);
    expect([...ours.tokens]).toEqual(reference.tokens);
    const image = await model.decodeImage(ours.codes);
    expect([image.width, image.height]).toEqual([reference.image.width, reference.image.height]);
    expect(Buffer.from(image.rgb).equals(Buffer.from(reference.image.data))).toBe(true);
  });

  it.each([
    ['trim', 'fp32'],
    ['mask', 'fp32'],
    ['trim', 'fp16'],
    ['mask', 'fp16'],
  ] as const)(
    'truncate (%s, %s cache) leaves no trace: logits equal a fresh forward (1e-4; fp16: a few ulps)',
    async (cacheStrategy, dtype) => {
      const m = await loadJanusModel(tiny, {
        cacheStrategy,
        dtype: dtype === 'fp16' ? FP16 : 'fp32',
      });
      try {
        const { prompt, unconditionalPrompt } = m.encodePrompt('a dog');
        const prefixes = [prompt.slice(0, -1), unconditionalPrompt.slice(0, -1)];
        const last = prompt.at(-1)!;
        const block = (...codes: number[]) => [
          Int32Array.of(last, ...codes),
          Int32Array.of(last, ...codes),
        ];
        // fp16 logits differ from a fresh forward's by float16 rounding only (other matrix
        // shapes): 2^-11 is one ulp at |logit| in [1, 2).
        const tolerance = dtype === 'fp16' ? 4e-3 : 1e-4;
        const used = await m.openSession({ prefixes });
        const start = used.length;
        await used.evaluate(block(3, 7, 1, 9, 2));
        await used.truncate(start + 2); // keeps <begin_of_image> and code 3
        const after = await used.evaluate([Int32Array.of(5, 11), Int32Array.of(5, 11)]);
        const fresh = await m.openSession({ prefixes });
        const expected = await fresh.evaluate(block(3, 5, 11));
        for (let r = 0; r < 2; r++) {
          const want = expected[r]!.subarray(2 * m.vocabSize);
          const got = after[r]!;
          expect(got.length).toBe(want.length);
          for (let i = 0; i < got.length; i++)
            expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(tolerance);
        }
        // and back to the session start: the pending prompt token is text again
        await used.truncate(start);
        const again = await used.evaluate(block(3));
        const first = await (await m.openSession({ prefixes })).evaluate(block(3));
        for (let i = 0; i < again[0]!.length; i++) {
          expect(Math.abs(again[0]![i]! - first[0]![i]!)).toBeLessThan(tolerance);
        }
        await used.dispose();
        await fresh.dispose();
      } finally {
        await m.release();
      }
    },
  );

  it('runs the documented example: sampled SJD with CFG, decoded, written as a PNG', async () => {
    const { prompt, unconditionalPrompt } = model.encodePrompt('a red fox in fresh snow');
    const result = await generate({
      provider: model,
      prompt,
      unconditionalPrompt,
      seed: 1,
      sampling: { temperature: 1, cfgScale: model.defaultCfgScale ?? 5, topK: 1000 },
      decoding: { method: 'sjd', window: 16 },
    });
    const stats = result.images[0]!.statistics;
    expect(stats.tokens).toBe(16);
    expect(stats.steps).toBeLessThanOrEqual(16);
    const image = await model.decodeImage(result.images[0]!.codes);
    const png = PNG.sync.read(encodePng(image.rgb, image.width, image.height));
    expect([png.width, png.height]).toEqual([16, 16]);
  });

  it('calibrates its step costs for the automatic window, and takes them back as an option', async () => {
    expect(model.calibrated).toBe(false);
    await model.calibrate();
    expect(model.calibrated).toBe(true);
    expect(model.relativeCost(1)).toBe(1);
    expect(model.relativeCost(16)).toBeGreaterThanOrEqual(1);
    const again = await loadJanusModel(tiny, { costProfile: model.costProfile });
    try {
      expect(again.relativeCost(16)).toBe(model.relativeCost(16));
      const auto = await run('sjd', 5, 8, 1, again);
      const { prompt, unconditionalPrompt } = again.encodePrompt('a cat');
      const result = await generate({
        provider: again,
        prompt,
        unconditionalPrompt,
        seed: 1,
        sampling: { temperature: 0, cfgScale: 5 },
        decoding: { method: 'sjd', window: 'auto' },
      });
      expect([...result.images[0]!.tokens]).toEqual([...auto.tokens]);
    } finally {
      await again.release();
    }
  });

  it('decodes codes to RGB through image_decode and rejects bad codes with a typed error', async () => {
    const image = await model.decodeImage(new Int32Array(16).fill(3));
    expect([image.width, image.height, image.rgb.length]).toEqual([16, 16, 16 * 16 * 3]);
    await expect(model.decodeImage(new Int32Array(16).fill(16))).rejects.toMatchObject({
      name: 'SjdInvalidArgumentError',
    });
  });
});

describe('fp16 files (the KV cache, embeddings and logits in float16)', () => {
  it('loads them by the dtype option, greedy SJD equals greedy AR, and matches transformers.js fp16', async () => {
    const m = await loadJanusModel(tiny, { dtype: FP16 });
    try {
      expect(m.graph.kvType).toBe('float16');
      expect(m.graph.embedsType).toBe('float16');
      const vanilla = await run('ar', 5, 8, 1, m);
      expect([...(await run('sjd', 5, 8, 1, m)).tokens]).toEqual([...vanilla.tokens]);
      const reference = await transformersJsGreedy(FP16);
      expect([...(await run('sjd', 1, 8, 1, m)).tokens]).toEqual(reference.tokens);
    } finally {
      await m.release();
    }
  });

  it('mixes dtypes per sub-model: a float16 language model fed float32 embeddings', async () => {
    const m = await loadJanusModel(tiny, { dtype: { language_model: 'fp16' } });
    try {
      expect(m.graph.kvType).toBe('float16');
      const { prompt } = m.encodePrompt('a cat');
      const block = [Int32Array.of(prompt.at(-1)!, 3, 9, 4)];
      const s16 = await m.openSession({ prefixes: [prompt.slice(0, -1)] });
      const s32 = await model.openSession({ prefixes: [prompt.slice(0, -1)] });
      const [half] = await s16.evaluate(block);
      const [full] = await s32.evaluate(block);
      let worst = 0;
      for (let i = 0; i < full!.length; i++)
        worst = Math.max(worst, Math.abs(half![i]! - full![i]!));
      expect(worst).toBeLessThan(0.05);
      await s16.dispose();
      await s32.dispose();
    } finally {
      await m.release();
    }
  });
});

describe('another export naming (janus-renamed: no position_ids, last_hidden_state)', () => {
  it('takes IO names from the sessions and still matches transformers.js and greedy AR', async () => {
    const m = await loadJanusModel(janusFixturePath('janus-renamed'), { cacheStrategy: 'mask' });
    try {
      expect(m.graph).toMatchObject({ hidden: 'last_hidden_state', positionIds: false, layers: 1 });
      expect(m.layout.gridWidth).toBe(3);
      const reference = await transformersJsGreedy('fp32', janusFixturePath('janus-renamed'));
      expect([...(await run('sjd', 1, 4, 1, m)).tokens]).toEqual(reference.tokens);
      const vanilla = await run('ar', 5, 8, 1, m);
      for (const window of [2, 9]) {
        expect([...(await run('sjd', 5, window, 1, m)).tokens]).toEqual([...vanilla.tokens]);
      }
    } finally {
      await m.release();
    }
  });
});
