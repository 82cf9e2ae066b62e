import type { ModelManifest } from '@sjd/core';
import { resolveModelFolder } from '@sjd/onnx-common';
import { nodeModelFolder } from './node-model-folder.js';

/** An `sjd-model` folder whose manifest was read and whose files exist. */
export interface ModelFolder {
  readonly dir: string;
  readonly manifest: ModelManifest;
  readonly decoderPath: string;
  readonly imageDecoderPath: string;
}

/**
 * Reads `manifest.json` of an `sjd-model` folder and checks that the files it names exist
 * (the shared chain, `resolveModelFolder`, on the disk). Faults are `ModelLoadError`s.
 */
export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const folder = await resolveModelFolder(await nodeModelFolder(dir));
  return {
    dir: folder.location,
    manifest: folder.manifest,
    decoderPath: folder.decoderPath,
    imageDecoderPath: folder.imageDecoderPath,
  };
}
