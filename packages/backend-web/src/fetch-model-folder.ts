import { ManifestError, type ModelManifest, parseModelManifest } from '@sjd/core';
import { ModelLoadError } from '@sjd/onnx-common';

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
  readonly file: 'manifest' | 'decoder' | 'imageDecoder';
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
  const origin = options.origin === undefined ? pageOrigin() : options.origin;
  const base = folderUrl(modelUrl, origin);
  if (origin !== null && new URL(base).origin !== origin) {
    throw new ModelLoadError({
      problem: 'cross-origin',
      path: base,
      message: `the model must be served from the page's own origin (${origin}); copy the model folder next to the app`,
    });
  }
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const manifestUrl = new URL('manifest.json', base).href;
  const manifestBytes = await fetchBytes(doFetch, manifestUrl, 'manifest', options);
  const text = new TextDecoder().decode(manifestBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const html = /^\s*</.test(text);
    throw new ModelLoadError({
      problem: html ? 'missing-file' : 'bad-manifest',
      path: manifestUrl,
      message: html
        ? 'the server answered with an HTML page, not manifest.json: is the model folder served at this URL?'
        : `not valid JSON: ${(cause as Error).message}`,
      cause,
    });
  }
  let manifest: ModelManifest;
  try {
    manifest = parseModelManifest(json, manifestUrl);
  } catch (cause) {
    if (ManifestError.isInstance(cause)) {
      const prefix = `${manifestUrl}: `;
      const message = cause.message.startsWith(prefix)
        ? cause.message.slice(prefix.length)
        : cause.message;
      throw new ModelLoadError({ problem: 'bad-manifest', path: manifestUrl, message, cause });
    }
    throw cause;
  }
  if (manifest.decoder.dtype !== 'float32') {
    throw new ModelLoadError({
      problem: 'unsupported',
      path: manifestUrl,
      message: `decoder.dtype ${manifest.decoder.dtype}: this backend runs float32 decoders`,
    });
  }
  const decoderUrl = fileUrl(base, manifest.files.decoder, 'files.decoder', manifestUrl);
  const imageDecoderUrl = fileUrl(
    base,
    manifest.files.imageDecoder,
    'files.imageDecoder',
    manifestUrl,
  );
  const [decoderBytes, imageDecoderBytes] = await Promise.all([
    fetchBytes(doFetch, decoderUrl, 'decoder', options),
    fetchBytes(doFetch, imageDecoderUrl, 'imageDecoder', options),
  ]);
  return { url: base, manifest, decoderUrl, decoderBytes, imageDecoderUrl, imageDecoderBytes };
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

function fileUrl(base: string, name: string, field: string, manifestUrl: string): string {
  const url = new URL(name, base).href;
  if (!url.startsWith(base) || url.includes('?') || url.includes('#')) {
    throw new ModelLoadError({
      problem: 'bad-manifest',
      path: manifestUrl,
      message: `${field} = ${JSON.stringify(name)} must name a file inside the model folder`,
    });
  }
  return url;
}

async function fetchBytes(
  doFetch: typeof fetch,
  url: string,
  file: LoadProgress['file'],
  options: FetchModelOptions,
): Promise<Uint8Array> {
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
  if (file !== 'manifest' && /text\/html/i.test(response.headers.get('content-type') ?? '')) {
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
