import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@sjd/core';
import { ExecutionProviderError, ModelLoadError } from '@sjd/onnx-common';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from './load-model.js';
import { OnnxLogitsProvider } from './onnx-logits-provider.js';
import { testModelDir } from './test-model.js';

const scratch = mkdtempSync(join(tmpdir(), 'sjd-bad-models-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const manifest = JSON.parse(readFileSync(join(testModelDir, 'manifest.json'), 'utf8'));

/** A copy of the test model folder with one thing broken. */
function brokenFolder(name: string, edit: (dir: string, m: typeof manifest) => void): string {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  const m = structuredClone(manifest);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(testModelDir, manifest.files.decoder), join(dir, manifest.files.decoder));
  copyFileSync(
    join(testModelDir, manifest.files.imageDecoder),
    join(dir, manifest.files.imageDecoder),
  );
  edit(dir, m);
  writeFileSync(join(dir, 'manifest.json'), typeof m === 'string' ? m : JSON.stringify(m));
  return dir;
}

async function loadError(dir: string): Promise<ModelLoadError> {
  const error = await OnnxLogitsProvider.load({ modelDir: dir }).then(
    () => null,
    (e) => e,
  );
  expect(ModelLoadError.isInstance(error), String(error)).toBe(true);
  return error as ModelLoadError;
}

describe('bad model folders give a typed error that says which file and what', () => {
  it('a folder that does not exist', async () => {
    const error = await loadError(join(scratch, 'does-not-exist'));
    expect(error.problem).toBe('missing-file');
    expect(error.path).toBe(join(scratch, 'does-not-exist'));
    expect(error.message).toMatch(/no such model folder/);
  });

  it('a folder of no family this package loads names the families and what marks them', async () => {
    const dir = join(scratch, 'empty');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'weights.bin'), 'x');
    for (const error of [
      await loadError(dir),
      await loadModel({ modelDir: dir }).catch((e) => e),
    ]) {
      expect(ModelLoadError.isInstance(error)).toBe(true);
      expect(error.problem).toBe('unknown-family');
      expect(error.path).toBe(dir);
      expect(error.message).toMatch(
        /not a model folder: none of manifest\.json(, config\.json)? is there/,
      );
      expect(error.message).toMatch(/sjd-model \(manifest\.json with "format": "sjd-model"\)/);
    }
  });

  it('a dtype the family does not have is an InvalidArgumentError naming dtype', async () => {
    for (const dtype of ['fp16', 'q4']) {
      const error = await loadModel({ modelDir: testModelDir, dtype }).catch((e) => e);
      expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
      expect(error.field).toBe('dtype');
      expect(error.allowed).toMatch(/^fp32/);
    }
    const model = await loadModel({ modelDir: testModelDir, dtype: 'fp32' });
    expect(model.family).toBe('sjd-model');
    await model.release();
  });

  it('a manifest naming a file outside the folder', async () => {
    const error = await loadError(
      brokenFolder('outside', (_d, m) => (m.files.decoder = '../elsewhere/decoder.onnx')),
    );
    expect(error.problem).toBe('bad-manifest');
    expect(error.message).toMatch(
      /files\.decoder = "\.\.\/elsewhere\/decoder\.onnx" must name a file inside the model folder/,
    );
  });

  it('a manifest with a field of the wrong type names the field and what is allowed', async () => {
    const error = await loadError(brokenFolder('grid', (_d, m) => (m.image.gridWidth = '16')));
    expect(error.problem).toBe('bad-manifest');
    expect(error.message).toMatch(
      /manifest\.json: image\.gridWidth: expected an integer ≥ 1, found "16"$/,
    );
  });

  it('a manifest that is not JSON', async () => {
    const dir = brokenFolder('not-json', () => {});
    writeFileSync(join(dir, 'manifest.json'), '{ "format": ');
    const error = await loadError(dir);
    expect(error.problem).toBe('bad-manifest');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('a manifest of another format version', async () => {
    const error = await loadError(brokenFolder('version', (_d, m) => (m.formatVersion = 9)));
    expect(error.problem).toBe('bad-manifest');
    expect(error.message).toMatch(/formatVersion/);
  });

  it('a missing decoder file', async () => {
    const error = await loadError(
      brokenFolder('missing', (d) => rmSync(join(d, manifest.files.decoder))),
    );
    expect(error.problem).toBe('missing-file');
    expect(error.path).toContain(manifest.files.decoder);
    expect(error.message).toMatch(/files\.decoder/);
  });

  it('a corrupt ONNX file', async () => {
    const error = await loadError(
      brokenFolder('corrupt', (d) =>
        writeFileSync(
          join(d, manifest.files.decoder),
          Buffer.from('this is not a protobuf at all'),
        ),
      ),
    );
    expect(error.problem).toBe('corrupt-onnx');
    expect(error.path).toContain(manifest.files.decoder);
  });

  it('a truncated ONNX file', async () => {
    const error = await loadError(
      brokenFolder('truncated', (d) => {
        const bytes = readFileSync(join(testModelDir, manifest.files.decoder));
        writeFileSync(join(d, manifest.files.decoder), bytes.subarray(0, bytes.length >> 1));
      }),
    );
    expect(error.problem).toBe('corrupt-onnx');
  });

  it('a manifest naming an input the graph lacks', async () => {
    const error = await loadError(
      brokenFolder('input', (_d, m) => {
        m.decoder.inputs = [...m.decoder.inputs, 'token_type_ids'];
      }),
    );
    expect(error.problem).toBe('graph-mismatch');
    expect(error.message).toMatch(/token_type_ids/);
  });

  it('a manifest whose head count disagrees with the graph', async () => {
    const error = await loadError(
      brokenFolder('heads', (_d, m) => (m.decoder.numKeyValueHeads += 1)),
    );
    expect(error.problem).toBe('graph-mismatch');
    expect(error.message).toMatch(/numKeyValueHeads/);
  });

  it('a manifest whose vocabulary size disagrees with the logits', async () => {
    const error = await loadError(
      brokenFolder('vocab', (_d, m) => {
        m.vocabulary.size += 5;
      }),
    );
    expect(error.problem).toBe('graph-mismatch');
    expect(error.message).toMatch(/vocabulary\.size/);
  });

  it('an image decoder without the named output', async () => {
    const error = await loadError(
      brokenFolder('image', (_d, m) => (m.image.imageDecoder.output = 'rgb')),
    );
    expect(error.problem).toBe('graph-mismatch');
    expect(error.path).toContain(manifest.files.imageDecoder);
  });

  it('an execution provider that cannot start says what is missing', async () => {
    const error = await OnnxLogitsProvider.load({
      modelDir: testModelDir,
      executionProvider: 'cuda',
    }).catch((e) => e);
    expect(ExecutionProviderError.isInstance(error), String(error)).toBe(true);
    expect(error.message).toMatch(/CUDA/);
  });
});
