import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModelManifest } from '@sjd/core';
import * as ort from 'onnxruntime-web/webgpu';
import { describe, expect, it } from 'vitest';
import { measureDecoderAgreement } from './measure-decoder-agreement.js';
import { testModelDir } from './test-model.js';

describe('measureDecoderAgreement', () => {
  it('two sessions of the same decoder on wasm agree to float rounding', async () => {
    const manifest = parseModelManifest(
      JSON.parse(await readFile(join(testModelDir, 'manifest.json'), 'utf8')),
      'manifest.json',
    );
    const bytes = new Uint8Array(await readFile(join(testModelDir, manifest.files.decoder)));
    const open = () => ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const [a, b] = [await open(), await open()];
    expect(await measureDecoderAgreement(a, b, manifest)).toBeLessThan(1e-4);
    await a.release();
    await b.release();
  });
});
