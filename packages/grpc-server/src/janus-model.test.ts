import type { SjdRpcError } from '@sjd/client';
import { janusFixturePath } from '@sjd/janus-fixtures';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, startTestServer, type TestServer } from './test-support/test-server.js';

// `sjd serve --model <Janus folder>`: the server loads a Janus folder in the transformers.js
// layout (the tiny random-weight fixture) through the same modelDirs path and serves it
// over real gRPC on loopback.
const tiny = janusFixturePath('janus-tiny');
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ modelDirs: [tiny], loadOptions: { threads: 1 } });
});
afterAll(async () => {
  await t?.close();
});

describe('a server on a Janus folder', () => {
  it('lists it as an open-vocabulary model: no words, max_caption_words 0', async () => {
    const list = await t.client.listModels();
    expect(list.defaultModel).toBe('janus-tiny');
    expect(list.models).toHaveLength(1);
    expect(list.models[0]).toMatchObject({
      name: 'janus-tiny',
      gridWidth: 4,
      gridHeight: 4,
      pixelWidth: 16,
      pixelHeight: 16,
      vocabularySize: 16,
      words: [],
      maxCaptionWords: 0,
      recommendedSampling: { temperature: 1, topK: 16, topP: 1, cfgScale: 5 },
    });
  });

  it('generates one image from any caption, with CFG, as a PNG of the folder size', async () => {
    const events = await collect(
      t.client.generate({ prompt: 'a red fox in fresh snow', seed: 4, images: 1 }),
    );
    const images = events.filter((e) => e.type === 'image-done');
    expect(images).toHaveLength(1);
    const image = images[0]!;
    if (image.type !== 'image-done') return;
    expect(image.tokens).toHaveLength(16);
    const png = PNG.sync.read(Buffer.from(image.png));
    expect([png.width, png.height]).toEqual([16, 16]);
    expect(events.at(-1)?.type).toBe('generation-done');
  });

  it('refuses proactive branches (its sessions cannot adopt rows) with INVALID_ARGUMENT naming decoding.branches, and keeps serving', async () => {
    const error = (await collect(
      t.client.generate({ prompt: 'a fox', seed: 1, decoding: { branches: 2 } }),
    ).then(
      () => null,
      (e: unknown) => e,
    )) as SjdRpcError | null;
    expect([error?.status, error?.field]).toEqual(['INVALID_ARGUMENT', 'decoding.branches']);
    const again = await collect(t.client.generate({ prompt: 'a fox', seed: 1 }));
    expect(again.at(-1)?.type).toBe('generation-done');
  });
});
