/**
 * The peer a JavaScript user would pick today: `@huggingface/transformers` `generate()`
 * sampling the same decoder ONNX, offline, with the same settings our row uses. It cannot
 * mix classifier-free guidance rows for a plain causal LM, so both sides of this comparison
 * run without CFG. Image tokens are enforced with `bad_words_ids` (every non-image id).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { encodePrompt, imageCodes, OnnxLogitsProvider } from '@sjd/backend-node';
import { pairwiseDiversity, shippedModelDir } from '@sjd/shapes';
import { openImageJudge } from './image-judge.js';
import type { MethodRunner } from './measure-method.js';

export async function openTransformersJsRunner(
  warmCaption: string,
  modelDir?: string,
): Promise<MethodRunner> {
  const ours = await OnnxLogitsProvider.load({ modelDir: modelDir ?? shippedModelDir });
  const m = ours.manifest;
  const judge = await openImageJudge(m);
  // transformers.js reads a Hugging Face folder: config.json + onnx/model.onnx.
  const root = join(tmpdir(), `sjd-transformers-js-${process.pid}`);
  mkdirSync(join(root, 'shapes', 'onnx'), { recursive: true });
  symlinkSync(ours.folder.decoderPath, join(root, 'shapes', 'onnx', 'model.onnx'));
  writeFileSync(
    join(root, 'shapes', 'config.json'),
    JSON.stringify({
      model_type: 'llama',
      architectures: ['LlamaForCausalLM'],
      vocab_size: m.vocabulary.size,
      hidden_size: m.decoder.hiddenSize,
      num_hidden_layers: m.decoder.numLayers,
      num_attention_heads: m.decoder.numAttentionHeads,
      num_key_value_heads: m.decoder.numKeyValueHeads,
      head_dim: m.decoder.headDim,
      max_position_embeddings: m.decoder.maxPositions,
      bos_token_id: m.vocabulary.special.bos,
      eos_token_id: m.vocabulary.special.eoi,
      pad_token_id: m.vocabulary.special.pad,
      use_cache: true,
    }),
  );
  env.allowRemoteModels = false;
  env.localModelPath = `${root}/`;
  const model = await AutoModelForCausalLM.from_pretrained('shapes', {
    local_files_only: true,
    dtype: 'fp32',
    device: 'cpu',
  });
  const image = m.vocabulary.image;
  const banned: number[][] = [];
  for (let id = 0; id < m.vocabulary.size; id++)
    if (id < image.start || id >= image.start + image.count) banned.push([id]);
  const cells = m.image.gridWidth * m.image.gridHeight;
  const run = async (prompt: Int32Array) => {
    const ids = BigInt64Array.from(Array.from(prompt, BigInt));
    const output = (await model.generate({
      input_ids: new Tensor('int64', ids, [1, ids.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      do_sample: true,
      temperature: m.sampling.temperature,
      top_k: m.sampling.topK,
      top_p: m.sampling.topP,
      max_new_tokens: cells,
      min_new_tokens: cells,
      bad_words_ids: banned,
    })) as Tensor;
    return Int32Array.from(
      Array.from(output.data as BigInt64Array)
        .slice(prompt.length)
        .map(Number),
    );
  };
  await run(encodePrompt(m, warmCaption).conditional); // warm-up

  return {
    async runRound(_captionIndex, caption, seeds) {
      const prompt = encodePrompt(m, caption).conditional;
      const images: Uint8Array[] = [];
      const holds: boolean[] = [];
      const features: number[][] = [];
      let decodeMs = 0;
      let cpuMs = 0;
      // transformers.js draws from its own unseeded sampler: the seeds only count images.
      for (const _seed of seeds) {
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const tokens = await run(prompt);
        decodeMs += performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        cpuMs += (cpu.user + cpu.system) / 1000;
        const rgb = await ours.decodeImage(imageCodes(ours.layout, tokens));
        images.push(rgb);
        const verdict = await judge.judge(rgb, caption);
        holds.push(verdict.holds);
        if (verdict.features) features.push(verdict.features);
      }
      return {
        images: seeds.length,
        steps: seeds.length * cells,
        tokens: seeds.length * cells,
        decodeMs,
        cpuMs,
        providerMs: decodeMs,
        acceptedDrafts: 0,
        holds,
        diversity: images.length > 1 ? pairwiseDiversity(images) : null,
        ...(features.length > 0 ? { features } : {}),
        verifiedByPosition: [],
        acceptedByPosition: [],
      };
    },
    release: async () => {
      await judge.release();
      await ours.release();
    },
  };
}
