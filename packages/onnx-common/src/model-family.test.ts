import { describe, expect, it } from 'vitest';
import { type ModelFamily, recogniseModelFamily } from './model-family.js';
import type { ModelFolderReader } from './model-folder-reader.js';
import { ModelLoadError } from './model-load-error.js';
import { resolveModelFolder, sjdModelRecognition } from './resolve-model-folder.js';

/** A folder of in-memory text files at `/models/m/`. */
function folderOf(files: Record<string, string>, withExists = true): ModelFolderReader {
  const location = '/models/m';
  const locate = (name: string) => (name.startsWith('..') ? undefined : `${location}/${name}`);
  return {
    location,
    locate,
    readText: async (name) => files[name],
    ...(withExists ? { exists: async (name: string) => name in files } : {}),
  };
}

/** A family marked by a config.json with `model_type: "multi_modality"`, like Janus. */
const configFamily: ModelFamily<unknown, string> = {
  id: 'janus-like',
  recognisedBy: 'config.json with "model_type": "multi_modality"',
  markerFile: 'config.json',
  recognise: async (folder) => {
    const text = await folder.readText('config.json');
    try {
      return text !== undefined && JSON.parse(text).model_type === 'multi_modality';
    } catch {
      return false;
    }
  },
  load: async () => 'loaded',
};
const families = [{ ...sjdModelRecognition, load: async () => 'sjd' }, configFamily];

async function failure(promise: Promise<unknown>): Promise<ModelLoadError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!ModelLoadError.isInstance(error))
    throw new Error(`expected a ModelLoadError, got ${String(error)}`);
  return error;
}

describe('recogniseModelFamily', () => {
  it('picks the family whose files the folder has, asking in order', async () => {
    expect((await recogniseModelFamily(folderOf({ 'manifest.json': '{' }), families)).id).toBe(
      'sjd-model',
    );
    const janus = folderOf({ 'config.json': '{"model_type":"multi_modality"}' });
    expect((await recogniseModelFamily(janus, families)).id).toBe('janus-like');
  });

  for (const withExists of [true, false]) {
    it(`names the marker file found and lists every family (${withExists ? 'disk' : 'HTTP'} reader)`, async () => {
      const llama = folderOf({ 'config.json': '{"model_type":"llama"}' }, withExists);
      const error = await failure(recogniseModelFamily(llama, families));
      expect(error.problem).toBe('unknown-family');
      expect(error.path).toBe('/models/m/config.json');
      expect(error.message).toMatch(
        /config\.json found, but no model family this package loads recognises it/,
      );
      expect(error.message).toMatch(
        /sjd-model \(manifest\.json with "format": "sjd-model"\); janus-like \(config\.json/,
      );
      const empty = await failure(recogniseModelFamily(folderOf({}, withExists), families));
      expect(empty.path).toBe('/models/m');
      expect(empty.message).toMatch(/none of manifest\.json, config\.json is there/);
    });
  }
});

describe('resolveModelFolder', () => {
  it('a manifest that is an HTML page says the folder is not served there', async () => {
    const error = await failure(
      resolveModelFolder(folderOf({ 'manifest.json': '<!doctype html>' })),
    );
    expect(error.problem).toBe('missing-file');
    expect(error.message).toMatch(/HTML page/);
  });
  it('a bad manifest names the field once, without repeating the path', async () => {
    const error = await failure(
      resolveModelFolder(folderOf({ 'manifest.json': '{"format":"other"}' })),
    );
    expect(error.problem).toBe('bad-manifest');
    expect(error.message).toBe(
      '/models/m/manifest.json: format: expected "sjd-model", found "other"',
    );
  });
});
