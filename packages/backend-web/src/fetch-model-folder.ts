import type { ModelManifest } from '@sjd/core';
import {
  MANIFEST_FILE,
  type ModelFolderReader,
  ModelLoadError,
  resolveModelFolder,
} from '@sjd/onnx-common';

/** A model folder fetched over HTTP: its manifest and the bytes of both ONNX files. */
export interface FetchedModel {
  /** The folder URL, ending in `/`. */
  readonly url: string;
  readonly manifest: ModelManifest;
  readonly decoderUrl: string;
  readonly decoderBytes: Uint8Array;
  readonly imageDecoderUrl: string;
  readonly imageDecoderBytes: Uint8Array;
}

/** Bytes received so far for one file of the model folder. */
export interface LoadProgress {
  /** `manifest`, `decoder`, `imageDecoder`, or the name of another file a model family reads. */
  readonly file: 'manifest' | 'decoder' | 'imageDecoder' | (string & {});
  readonly url: string;
  readonly loaded: number;
  /** `null` when the server sent no `Content-Length`. */
  readonly total: number | null;
}

/** How {@link fetchModelFolder} fetches. */
export interface FetchModelOptions {
  /** Replaces `globalThis.fetch` (tests, caching layers). */
  readonly fetch?: typeof fetch;
  /** The page's origin; URLs outside it are refused. Default `location.origin` where there is one. */
  readonly origin?: string | null;
  readonly onProgress?: (progress: LoadProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * Fetches `manifest.json` from a model folder URL, checks it, then fetches the decoder and
 * image decoder it names. Every URL must stay on the page's own origin and the files must
 * lie inside the folder. Faults become a `ModelLoadError` saying which URL and what was
 * wrong (including a dev server that answers a missing file with its HTML page).
 */
export async function fetchModelFolder(
  modelUrl: string | URL,
  options: FetchModelOptions = {},
): Promise<FetchedModel> {
  const folder = openWebModelFolder(modelUrl, options);
  return fetchSjdModel(folder);
}

/** The `sjd-model` chain on a web folder: the shared `resolveModelFolder`, then both ONNX files' bytes. */
export async function fetchSjdModel(folder: WebModelFolder): Promise<FetchedModel> {
  const base = folder.location;
  const {
    manifest,
    decoderPath: decoderUrl,
    imageDecoderPath: imageDecoderUrl,
  } = await resolveModelFolder(folder);
  const [decoderBytes, imageDecoderBytes] = await Promise.all([
    folder.readBytes(decoderUrl, 'decoder'),
    folder.readBytes(imageDecoderUrl, 'imageDecoder'),
  ]);
  return { url: base, manifest, decoderUrl, decoderBytes, imageDecoderUrl, imageDecoderBytes };
}

/** A model folder on the web: the shared reader, plus the bytes of a file it located. */
export interface WebModelFolder extends ModelFolderReader {
  /** The bytes at `url` (from `locate`); `file` labels the progress events. */
  readBytes(url: string, file: LoadProgress['file']): Promise<Uint8Array>;
}

/**
 * The model folder at `modelUrl` (relative URLs resolve against the page), which must be on
 * the page's own origin (`cross-origin` {@link ModelLoadError} otherwise, before any request).
 */
export function openWebModelFolder(
  modelUrl: string | URL,
  options: FetchModelOptions = {},
): WebModelFolder {
  const origin = options.origin === undefined ? pageOrigin() : options.origin;
  const base = folderUrl(modelUrl, origin);
  if (origin !== null && new URL(base).origin !== origin) {
    throw new ModelLoadError({
      problem: 'cross-origin',
      path: base,
      message: `the model must be served from the page's own origin (${origin}); copy the model folder next to the app`,
    });
  }
  return webModelFolder(base, options);
}

/**
 * A model folder at `base` (a URL ending in `/`, already checked to be on the page's
 * origin) as the shared loading path reads it: files fetched with `options.fetch`, names
 * that leave the folder or carry a query refused. Text files are fetched once per reader.
 */
function webModelFolder(base: string, options: FetchModelOptions): WebModelFolder {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const texts = new Map<string, Promise<string | undefined>>();
  const locate = (name: string): string | undefined => {
    const url = new URL(name, base).href;
    return url.startsWith(base) && !url.includes('?') && !url.includes('#') ? url : undefined;
  };
  const readText = (name: string): Promise<string | undefined> => {
    const url = locate(name);
    if (url === undefined) return Promise.resolve(undefined);
    let text = texts.get(url);
    if (!text) {
      const file = name === MANIFEST_FILE ? 'manifest' : name;
      text = fetchBytes(doFetch, url, file, options, true).then((bytes) =>
        bytes === undefined ? undefined : new TextDecoder().decode(bytes),
      );
      texts.set(url, text);
    }
    return text;
  };
  return {
    location: base,
    locate,
    readText,
    readBytes: async (url, file) => (await fetchBytes(doFetch, url, file, options, false))!,
  };
}

function pageOrigin(): string | null {
  const location = (globalThis as { location?: { origin?: string } }).location;
  return location?.origin && location.origin !== 'null' ? location.origin : null;
}

function folderUrl(modelUrl: string | URL, origin: string | null): string {
  const base =
    (globalThis as { document?: { baseURI?: string } }).document?.baseURI ?? origin ?? undefined;
  let url: URL;
  try {
    url = new URL(modelUrl, base);
  } catch (cause) {
    throw new ModelLoadError({
      problem: 'missing-file',
      path: String(modelUrl),
      message: 'not a valid URL',
      cause,
    });
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url.href;
}

async function fetchBytes(
  doFetch: typeof fetch,
  url: string,
  file: LoadProgress['file'],
  options: FetchModelOptions,
  textFile: boolean,
): Promise<Uint8Array | undefined> {
  let response: Response;
  try {
    response = await doFetch(url, {
      credentials: 'same-origin',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (cause) {
    options.signal?.throwIfAborted();
    throw new ModelLoadError({
      problem: 'network',
      path: url,
      message: `the request failed: ${(cause as Error).message}`,
      cause,
    });
  }
  if (response.status === 404) {
    if (textFile) return undefined; // the folder has no such file: the caller decides
    throw new ModelLoadError({
      problem: 'missing-file',
      path: url,
      message: 'not found (HTTP 404)',
    });
  }
  if (!response.ok) {
    throw new ModelLoadError({
      problem: 'network',
      path: url,
      message: `HTTP ${response.status} ${response.statusText}`,
    });
  }
  if (!textFile && /text\/html/i.test(response.headers.get('content-type') ?? '')) {
    throw new ModelLoadError({
      problem: 'missing-file',
      path: url,
      message:
        'the server answered with an HTML page, not an ONNX file: is the model folder served at this URL?',
    });
  }
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  if (!response.body || !options.onProgress) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    options.onProgress?.({ file, url, loaded: bytes.length, total });
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    options.onProgress({ file, url, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
