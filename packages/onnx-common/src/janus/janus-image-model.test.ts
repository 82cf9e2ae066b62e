import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@sjd/core';
import { janusFixturePath } from '@sjd/janus-fixtures';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import type { JanusImageModel } from './janus-image-model.js';
import { type JanusFolderReader, loadJanusFolder } from './load-janus-folder.js';

// The provider is written against onnxruntime-common: the same class runs on onnxruntime-web
// (its wasm backend, here in Node; in the browser the web backend passes its own sessions)
// and on onnxruntime-node, and the two agree.
const folder = janusFixturePath('janus-tiny');
// What a browser backend does with fetch, here with readFileSync: bytes in, sessions out.
function reader(ort: typeof ortNode | typeof ortWeb): JanusFolderReader {
  const pathOf = (file: string) => path.join(folder, file);
  return {
    pathOf,
    readJson: async (file, required) =>
      required || existsSync(pathOf(file))
        ? JSON.parse(readFileSync(pathOf(file), 'utf8'))
        : undefined,
    createSession: async (file) =>
      (await ort.InferenceSession.create(readFileSync(pathOf(file)))) as ortNode.InferenceSession,
  };
}

const open = (ort: typeof ortNode | typeof ortWeb, providerId: string) =>
  loadJanusFolder(ort, reader(ort), { providerId });

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
