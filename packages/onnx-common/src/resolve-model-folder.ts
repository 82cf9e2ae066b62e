import { ManifestError, type ModelManifest, parseModelManifest } from '@sjd/core';
import type { FamilyRecognition } from './model-family.js';
import type { ModelFolderReader } from './model-folder-reader.js';
import { ModelLoadError } from './model-load-error.js';

/** The manifest's file name in an `sjd-model` folder. */
export const MANIFEST_FILE = 'manifest.json';

/** An `sjd-model` folder whose manifest is valid and whose files lie inside the folder. */
export interface ResolvedModelFolder {
  /** The folder (path or URL). */
  readonly location: string;
  /** Where `manifest.json` is (path or URL). */
  readonly manifestPath: string;
  readonly manifest: ModelManifest;
  /** Where `files.decoder` is. */
  readonly decoderPath: string;
  /** Where `files.imageDecoder` is. */
  readonly imageDecoderPath: string;
}

/**
 * The loading chain every runtime shares for an `sjd-model` folder: read `manifest.json`,
 * parse it as JSON, validate it ({@link parseModelManifest}), check the decoder's dtype, and
 * locate the files it names (inside the folder; existing, where the runtime can ask). The
 * runtime supplies only how to read a file ({@link ModelFolderReader}). Every fault is a
 * `ModelLoadError` naming the file: `missing-file`, `bad-manifest` (message `field: what is
 * wrong`), `unsupported`.
 */
export async function resolveModelFolder(folder: ModelFolderReader): Promise<ResolvedModelFolder> {
  const manifestPath = folder.locate(MANIFEST_FILE) ?? folder.location;
  const text = await folder.readText(MANIFEST_FILE);
  if (text === undefined) {
    throw new ModelLoadError({
      problem: 'missing-file',
      path: manifestPath,
      message: 'no manifest.json in the model folder',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    // A dev server answers a missing file with its HTML page.
    const html = /^\s*</.test(text);
    throw new ModelLoadError({
      problem: html ? 'missing-file' : 'bad-manifest',
      path: manifestPath,
      message: html
        ? 'the server answered with an HTML page, not manifest.json: is the model folder served at this URL?'
        : `not valid JSON: ${(cause as Error).message}`,
      cause,
    });
  }
  let manifest: ModelManifest;
  try {
    manifest = parseModelManifest(json, manifestPath);
  } catch (cause) {
    if (!ManifestError.isInstance(cause)) throw cause;
    throw new ModelLoadError({
      problem: 'bad-manifest',
      path: manifestPath,
      message: `${cause.field}: ${cause.detail}`,
      cause,
    });
  }
  if (manifest.decoder.dtype !== 'float32') {
    throw new ModelLoadError({
      problem: 'unsupported',
      path: manifestPath,
      message: `decoder.dtype ${manifest.decoder.dtype}: the onnxruntime backends run float32 sjd-model decoders`,
    });
  }
  const locate = async (field: string, name: string): Promise<string> => {
    const path = folder.locate(name);
    if (path === undefined) {
      throw new ModelLoadError({
        problem: 'bad-manifest',
        path: manifestPath,
        message: `${field} = ${JSON.stringify(name)} must name a file inside the model folder`,
      });
    }
    if (folder.exists && !(await folder.exists(name))) {
      throw new ModelLoadError({
        problem: 'missing-file',
        path,
        message: `the file named by ${field} in manifest.json does not exist`,
      });
    }
    return path;
  };
  return {
    location: folder.location,
    manifestPath,
    manifest,
    decoderPath: await locate('files.decoder', manifest.files.decoder),
    imageDecoderPath: await locate('files.imageDecoder', manifest.files.imageDecoder),
  };
}

/** The `sjd-model` family's mark: a `manifest.json` in the folder (valid or not). */
export async function hasManifest(folder: ModelFolderReader): Promise<boolean> {
  return folder.exists
    ? folder.exists(MANIFEST_FILE)
    : (await folder.readText(MANIFEST_FILE)) !== undefined;
}

/** What marks an `sjd-model` folder, for every runtime's loader of the family. */
export const sjdModelRecognition: FamilyRecognition = {
  id: 'sjd-model',
  recognisedBy: `${MANIFEST_FILE} with "format": "sjd-model"`,
  markerFile: MANIFEST_FILE,
  recognise: hasManifest,
};
