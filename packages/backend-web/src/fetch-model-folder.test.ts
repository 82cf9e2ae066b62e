import { ModelLoadError } from '@sjd/onnx-common';
import { describe, expect, it } from 'vitest';
import { fetchModelFolder } from './fetch-model-folder.js';
import { folderFetch, TEST_ORIGIN, testModelDir } from './test-model.js';

const origin = TEST_ORIGIN;

async function problemOf(
  promise: Promise<unknown>,
): Promise<{ problem: string; path: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!ModelLoadError.isInstance(error))
    throw new Error(`expected a ModelLoadError, got ${String(error)}`);
  return error;
}

function serving(files: Record<string, Response | (() => Response)>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    const answer = files[new URL(url).pathname];
    if (!answer) return new Response('not found', { status: 404 });
    return typeof answer === 'function' ? answer() : answer.clone();
  }) as typeof fetch;
}

describe('fetchModelFolder', () => {
  it('fetches the manifest and both files, only from inside the folder, with progress', async () => {
    const hits: string[] = [];
    const progress: string[] = [];
    const model = await fetchModelFolder(`${origin}/model`, {
      fetch: folderFetch(testModelDir, hits),
      origin,
      onProgress: (p) => progress.push(p.file),
    });
    expect(model.url).toBe(`${origin}/model/`);
    expect(hits.every((url) => url.startsWith(`${origin}/model/`))).toBe(true);
    expect(hits).toHaveLength(3);
    expect(model.decoderBytes.length).toBeGreaterThan(1000);
    expect(new Set(progress)).toEqual(new Set(['manifest', 'decoder', 'imageDecoder']));
  });

  it('refuses a model on another origin before any request', async () => {
    const hits: string[] = [];
    const error = await problemOf(
      fetchModelFolder('https://elsewhere.example/model/', {
        fetch: folderFetch(testModelDir, hits),
        origin,
      }),
    );
    expect(error.problem).toBe('cross-origin');
    expect(hits).toEqual([]);
  });

  it('says so when the server answers with its HTML page (a dev server fallback)', async () => {
    const html = () =>
      new Response('<!doctype html><html></html>', { headers: { 'content-type': 'text/html' } });
    const error = await problemOf(
      fetchModelFolder(`${origin}/model/`, {
        fetch: serving({ '/model/manifest.json': html }),
        origin,
      }),
    );
    expect(error.problem).toBe('missing-file');
    expect(error.message).toMatch(/HTML page/);
  });

  it('404, bad JSON, a bad manifest and a file outside the folder each get their own problem', async () => {
    expect(
      (await problemOf(fetchModelFolder(`${origin}/none/`, { fetch: serving({}), origin })))
        .problem,
    ).toBe('missing-file');
    const badJson = serving({ '/m/manifest.json': () => new Response('{ nope') });
    expect(
      (await problemOf(fetchModelFolder(`${origin}/m/`, { fetch: badJson, origin }))).problem,
    ).toBe('bad-manifest');
    const badManifest = serving({ '/m/manifest.json': () => new Response('{"format":"other"}') });
    const bad = await problemOf(fetchModelFolder(`${origin}/m/`, { fetch: badManifest, origin }));
    expect(bad.problem).toBe('bad-manifest');
    expect(bad.path).toBe(`${origin}/m/manifest.json`);

    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(await readFile(`${testModelDir}/manifest.json`, 'utf8'));
    manifest.files.decoder = '../secret.onnx';
    const escaping = serving({ '/m/manifest.json': () => new Response(JSON.stringify(manifest)) });
    const outside = await problemOf(fetchModelFolder(`${origin}/m/`, { fetch: escaping, origin }));
    expect(outside.problem).toBe('bad-manifest');
    expect(outside.message).toMatch(/inside the model folder/);
  });

  it('a failed request is a network problem', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const error = await problemOf(fetchModelFolder(`${origin}/m/`, { fetch: failing, origin }));
    expect(error.problem).toBe('network');
    expect(error.message).toMatch(/Failed to fetch/);
  });
});
