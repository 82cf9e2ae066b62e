/**
 * The shipped decoder (or `SJD_MODEL_DIR`'s) through onnxruntime-node, for tests that run
 * real graphs: its manifest, the shape the forward pass needs, and a session opened before
 * the file's tests and released after them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelManifest } from '@sjd/core';
import { shippedModelDir } from '@sjd/shapes';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll } from 'vitest';

const dir = process.env['SJD_MODEL_DIR'] ?? shippedModelDir;

export const manifest = parseModelManifest(
  JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
  'manifest.json',
);

/** The decoder's layout, as the batched forward pass takes it. */
export const shape = () => ({
  layers: manifest.decoder.numLayers,
  kvHeads: manifest.decoder.numKeyValueHeads,
  headDim: manifest.decoder.headDim,
  vocabSize: manifest.vocabulary.size,
  padToken: manifest.vocabulary.special.pad,
});

/** Opens the decoder before the calling file's tests, releases it after; read `.session` inside a test. */
export function useShippedDecoder(): { readonly session: ort.InferenceSession } {
  let session: ort.InferenceSession | undefined;
  beforeAll(async () => {
    session = await ort.InferenceSession.create(join(dir, manifest.files.decoder));
  });
  afterAll(() => session?.release());
  return {
    get session() {
      if (!session) throw new Error('the shipped decoder is read before beforeAll opened it');
      return session;
    },
  };
}
