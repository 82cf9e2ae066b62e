import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@sjd/core';
import { janusFixturePath } from '@sjd/janus-fixtures';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import type { JanusFolderFiles } from './janus-config.js';
import { JANUS_SUB_MODELS, janusOnnxFile } from './janus-dtype.js';
import type { JanusSessions } from './janus-graph.js';
import { JanusImageModel } from './janus-image-model.js';

// The provider is written against onnxruntime-common: the same class runs on onnxruntime-web
// (its wasm backend, here in Node; in the browser the web backend passes its own sessions)
// and on onnxruntime-node, and the two agree.
const folder = janusFixturePath('janus-tiny');
const json = (file: string) => JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
const files: JanusFolderFiles = {
  config: json('config.json'),
  generationConfig: json('generation_config.json'),
  processorConfig: json('processor_config.json'),
  tokenizer: json('tokenizer.json'),
  tokenizerConfig: json('tokenizer_config.json'),
};

async function open(ort: typeof ortNode | typeof ortWeb, id: string) {
  const sessions = {} as Record<string, { session: ortNode.InferenceSession; path: string }>;
  for (const name of JANUS_SUB_MODELS) {
    const file = path.join(folder, janusOnnxFile(name, 'fp32'));
    const session = await ort.InferenceSession.create(readFileSync(file));
    sessions[name] = { session: session as ortNode.InferenceSession, path: file };
  }
  return JanusImageModel.create(ort, sessions as unknown as JanusSessions, files, {
    providerId: id,
  });
}

describe('JanusImageModel on both onnxruntime packages', () => {
  it('onnxruntime-web (wasm) and onnxruntime-node give the same logits and greedy SJD tokens', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const web = await open(ortWeb, 'onnxruntime-web/wasm');
    const node = await open(ortNode, 'onnxruntime-node/cpu');
    try {
      const { prompt, unconditionalPrompt } = node.encodePrompt('a cat');
      const prefixes = [prompt.slice(0, -1), unconditionalPrompt.slice(0, -1)];
      const block = Int32Array.of(prompt.at(-1)!, 4, 9, 1);
      const a = await (await web.openSession({ prefixes })).evaluate([block, block.slice()]);
      const b = await (await node.openSession({ prefixes })).evaluate([block, block.slice()]);
      for (let r = 0; r < 2; r++) {
        for (let i = 0; i < a[r]!.length; i++) {
          expect(Math.abs(a[r]![i]! - b[r]![i]!)).toBeLessThan(1e-4);
        }
      }
      const tokens = async (provider: JanusImageModel) =>
        (
          await generate({
            provider,
            prompt,
            unconditionalPrompt,
            seed: 3,
            sampling: { temperature: 0, cfgScale: 5 },
            decoding: { method: 'sjd', window: 6 },
          })
        ).images[0]!.tokens;
      expect([...(await tokens(web))]).toEqual([...(await tokens(node))]);
    } finally {
      await web.release();
      await node.release();
    }
  }, 120_000);
});
