import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shippedModelDir } from '@sjd/shapes';

/** The model folder the backend tests run on: the shipped model, or `SJD_MODEL_DIR`. */
export const testModelDir = process.env['SJD_MODEL_DIR'] ?? shippedModelDir;

/** The origin the tests pretend the model is served from. */
export const TEST_ORIGIN = 'http://sjd.test';

/**
 * A `fetch` that serves `dir` at `${TEST_ORIGIN}/model/` from disk, so onnxruntime-web's
 * Node build can load the model the way a page would. `hits` records every URL asked for.
 */
export function folderFetch(dir: string, hits: string[] = []): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    hits.push(url.href);
    if (url.origin !== TEST_ORIGIN || !url.pathname.startsWith('/model/'))
      return new Response('nope', { status: 404 });
    try {
      const bytes = await readFile(
        join(dir, decodeURIComponent(url.pathname.slice('/model/'.length))),
      );
      return new Response(bytes, { headers: { 'content-length': String(bytes.length) } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  }) as typeof fetch;
}
