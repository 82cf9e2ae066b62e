import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shippedModelDir } from '@sjd/shapes';
import type { StaticFile } from './static-files-plugin.js';

/** The model folder the app ships: `SJD_MODEL_DIR`, else the shipped model `packages/shapes/model`. */
export function modelDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env['SJD_MODEL_DIR'] ?? shippedModelDir);
}

/**
 * The files of a model folder that the app serves under `model/`: `manifest.json` and the two
 * files it names, nothing else (no training leftovers). Throws, naming the folder and the
 * override, when the folder or a file is missing.
 */
export function modelFiles(dir: string): StaticFile[] {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(
      `no model at ${dir} (manifest.json missing): train or copy the model there, or point SJD_MODEL_DIR at a model folder`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    files?: Record<string, unknown>;
  };
  const names = Object.values(manifest.files ?? {}).filter(
    (name): name is string => typeof name === 'string',
  );
  const files: StaticFile[] = [{ name: 'manifest.json', path: manifestPath }];
  for (const name of names) {
    if (name.includes('..') || name.startsWith('/'))
      throw new Error(`${manifestPath}: file ${name} is outside the model folder`);
    const path = join(dir, name);
    if (!existsSync(path)) throw new Error(`${manifestPath} names ${name}, which is not in ${dir}`);
    files.push({ name, path });
  }
  return files;
}
