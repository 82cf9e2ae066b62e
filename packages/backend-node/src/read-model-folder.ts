import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ManifestError, type ModelManifest, parseModelManifest } from '@sjd/core';
import { ModelLoadError } from '@sjd/onnx-common';

/** A model folder whose manifest was read and whose files exist. */
export interface ModelFolder {
  readonly dir: string;
  readonly manifest: ModelManifest;
  readonly decoderPath: string;
  readonly imageDecoderPath: string;
}

/** Reads `manifest.json` of a model folder and checks that the files it names exist. */
export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const folder = resolve(dir);
  const manifestPath = join(folder, 'manifest.json');
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (cause) {
    throw new ModelLoadError({
      problem: 'missing-file',
      path: manifestPath,
      message: `no manifest.json in the model folder (${(cause as Error).message})`,
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ModelLoadError({
      problem: 'bad-manifest',
      path: manifestPath,
      message: `not valid JSON: ${(cause as Error).message}`,
      cause,
    });
  }
  let manifest: ModelManifest;
  try {
    manifest = parseModelManifest(json, manifestPath);
  } catch (cause) {
    if (ManifestError.isInstance(cause)) {
      throw new ModelLoadError({
        problem: 'bad-manifest',
        path: manifestPath,
        message: `${cause.field}: ${cause.message.split(': ').slice(2).join(': ')}`,
        cause,
      });
    }
    throw cause;
  }
  if (manifest.decoder.dtype !== 'float32') {
    throw new ModelLoadError({
      problem: 'unsupported',
      path: manifestPath,
      message: `decoder.dtype ${manifest.decoder.dtype}: this backend runs float32 decoders`,
    });
  }
  const decoderPath = join(folder, manifest.files.decoder);
  const imageDecoderPath = join(folder, manifest.files.imageDecoder);
  for (const [field, path] of [
    ['files.decoder', decoderPath],
    ['files.imageDecoder', imageDecoderPath],
  ] as const) {
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) {
      throw new ModelLoadError({
        problem: 'missing-file',
        path,
        message: `the file named by ${field} in manifest.json does not exist`,
      });
    }
  }
  return { dir: folder, manifest, decoderPath, imageDecoderPath };
}
