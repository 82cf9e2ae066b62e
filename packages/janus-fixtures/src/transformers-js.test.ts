import path from 'node:path';
import {
  AutoProcessor,
  env,
  MultiModalityCausalLM,
  type RawImage,
  type VLChatProcessor,
} from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { type JanusFixture, janusFixturePath } from './index.js';

// The acid test of the fixtures: transformers.js itself, from disk, with no network, loads
// each folder with the classes its docs use for Janus (AutoProcessor → VLChatProcessor,
// MultiModalityCausalLM) and runs its own text-to-image generation. If a file name, an IO
// name, a dynamic axis or a config field differed from what it expects of the real
// onnx-community/Janus-Pro-1B-ONNX folder, this fails.
env.allowRemoteModels = false;
env.allowLocalModels = true;

async function load(name: JanusFixture, dtype: 'fp32' | 'fp16') {
  const folder = janusFixturePath(name);
  env.localModelPath = `${path.dirname(folder)}/`;
  const processor = (await AutoProcessor.from_pretrained(name)) as VLChatProcessor;
  const model = (await MultiModalityCausalLM.from_pretrained(name, {
    device: 'cpu',
    // fp16 as the transformers.js Janus-Pro WebGPU example loads it: image_decode stays fp32
    // (transformers.js turns decoded_image into bytes with float32 arithmetic).
    dtype:
      dtype === 'fp32'
        ? 'fp32'
        : {
            prepare_inputs_embeds: 'fp16',
            language_model: 'fp16',
            lm_head: 'fp16',
            gen_head: 'fp16',
            gen_img_embeds: 'fp16',
            image_decode: 'fp32',
          },
  })) as MultiModalityCausalLM;
  return { processor, model };
}

describe.each([
  ['janus-tiny', 'fp32'],
  ['janus-tiny', 'fp16'],
  ['janus-enum', 'fp32'],
  ['janus-renamed', 'fp32'],
] as const)('transformers.js on %s, dtype %s', (name, dtype) => {
  it('generates an image (sampled, CFG from generation_config.json) and a greedy one', async () => {
    const { processor, model } = await load(name, dtype);
    const config = model.config as unknown as {
      vision_config: { params: { image_size: number } };
    };
    const inputs = await processor([{ role: '<|User|>', content: 'a cat' }], {
      chat_template: 'text_to_image',
    });
    const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
    const tokenizer = processor.tokenizer!;
    const [bos, beginOfImage] = tokenizer.convert_tokens_to_ids([
      '<｜begin▁of▁sentence｜>',
      '<begin_of_image>',
    ]);
    expect(ids[0]).toBe(bos);
    expect(ids.at(-1)).toBe(beginOfImage);
    const n = processor.num_image_tokens as number;
    const sampled = (await model.generate_images({
      ...inputs,
      min_new_tokens: n,
      max_new_tokens: n,
      do_sample: true,
    } as never)) as RawImage[];
    const greedy = (await model.generate_images({
      ...inputs,
      min_new_tokens: n,
      max_new_tokens: n,
      do_sample: false,
      guidance_scale: 1,
    } as never)) as RawImage[];
    for (const image of [sampled[0]!, greedy[0]!]) {
      const side = Math.sqrt(n) * (name === 'janus-enum' ? 2 : 4);
      expect([image.width, image.height, image.channels]).toEqual([side, side, 3]);
      expect(new Set(image.data).size).toBeGreaterThan(1);
    }
    expect(config.vision_config.params.image_size).toBeGreaterThan(0);
    await model.dispose();
  });
});
