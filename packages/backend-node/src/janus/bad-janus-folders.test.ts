import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { janusFixturePath } from '@sjd/janus-fixtures';
import { ModelLoadError } from '@sjd/onnx-common';
import { afterEach, describe, expect, it } from 'vitest';
import { isJanusFolder, loadJanusModel } from './load-janus-model.js';

// Each fault gives a ModelLoadError naming the file at fault and what was expected.
let folder: string;

async function copyFixture(): Promise<string> {
  folder = await mkdtemp(path.join(tmpdir(), 'bad-janus-'));
  await cp(janusFixturePath('janus-tiny'), folder, { recursive: true });
  return folder;
}

async function editJson(file: string, edit: (json: Record<string, unknown>) => void) {
  const json = JSON.parse(await readFile(path.join(folder, file), 'utf8'));
  edit(json);
  await writeFile(path.join(folder, file), JSON.stringify(json));
}

async function loadError(dir: string, options = {}): Promise<ModelLoadError> {
  try {
    const model = await loadJanusModel(dir, options);
    await model.release();
  } catch (error) {
    expect(ModelLoadError.isInstance(error)).toBe(true);
    return error as ModelLoadError;
  }
  throw new Error('loaded a bad folder');
}

afterEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('bad Janus folders', () => {
  it('a missing sub-model names its file', async () => {
    const dir = await copyFixture();
    await rm(path.join(dir, 'onnx/gen_head.onnx'));
    const error = await loadError(dir);
    expect(error.problem).toBe('missing-file');
    expect(error.path).toBe(path.join(dir, 'onnx/gen_head.onnx'));
  });

  it('a dtype whose files are absent names the file it looked for', async () => {
    const dir = await copyFixture();
    const error = await loadError(dir, { dtype: { language_model: 'q4f16' } });
    expect(error.problem).toBe('missing-file');
    expect(error.path).toBe(path.join(dir, 'onnx/language_model_q4f16.onnx'));
    expect(error.message).toMatch(/dtype q4f16/);
  });

  it('wrong IO names name the sub-model whose graph does not fit', async () => {
    const dir = await copyFixture();
    // gen_img_embeds in the place of gen_head: its input is image_ids, not hidden_states.
    await cp(path.join(dir, 'onnx/gen_img_embeds.onnx'), path.join(dir, 'onnx/gen_head.onnx'));
    const error = await loadError(dir);
    expect(error.problem).toBe('graph-mismatch');
    expect(error.path).toBe(path.join(dir, 'onnx/gen_head.onnx'));
    expect(error.message).toMatch(/hidden_states/);
  });

  it('a language model of another depth than config.json says names the language model', async () => {
    const dir = await copyFixture();
    await editJson('config.json', (c) => {
      (c['language_config'] as Record<string, unknown>)['num_hidden_layers'] = 3;
    });
    const error = await loadError(dir);
    expect(error.problem).toBe('graph-mismatch');
    expect(error.path).toBe(path.join(dir, 'onnx/language_model.onnx'));
  });

  it('an unknown model_type names config.json', async () => {
    const dir = await copyFixture();
    await editJson('config.json', (c) => {
      c['model_type'] = 'llava';
    });
    expect(await isJanusFolder(dir)).toBe(false);
    const error = await loadError(dir);
    expect(error.problem).toBe('bad-manifest');
    expect(error.path).toBe(path.join(dir, 'config.json'));
    expect(error.message).toMatch(/multi_modality/);
  });

  it.each(['tokenizer.json', 'tokenizer_config.json', 'processor_config.json', 'config.json'])(
    'no %s names it',
    async (file) => {
      const dir = await copyFixture();
      await rm(path.join(dir, file));
      const error = await loadError(dir);
      expect(error.problem).toBe('missing-file');
      expect(error.path).toBe(path.join(dir, file));
    },
  );

  it('a corrupt ONNX file names it', async () => {
    const dir = await copyFixture();
    await writeFile(path.join(dir, 'onnx/image_decode.onnx'), 'not onnx');
    const error = await loadError(dir);
    expect(error.problem).toBe('corrupt-onnx');
    expect(error.path).toBe(path.join(dir, 'onnx/image_decode.onnx'));
  });

  it('the fixture itself is recognised', async () => {
    expect(await isJanusFolder(janusFixturePath('janus-tiny'))).toBe(true);
  });
});
