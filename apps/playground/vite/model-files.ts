import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fashionModelDir } from '@sjd/fashion';
import { shippedModelDir } from '@sjd/shapes';
import type { StaticFile } from './static-files-plugin.js';

/** The shipped models by name; `SJD_MODEL` picks one (default `shapes-v2`). */
export const shippedModels: Readonly<Record<string, string>> = {
  'shapes-v2': shippedModelDir,
  'fashion-v1': fashionModelDir,
};

/**
 * The model folder the app ships: `SJD_MODEL_DIR`, else the shipped model `SJD_MODEL` names
 * (`shapes-v2`, the default, or `fashion-v1`). An unknown name throws, listing the known ones.
 */
export function modelDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['SJD_MODEL_DIR']) return resolve(env['SJD_MODEL_DIR']);
  const name = env['SJD_MODEL'] ?? 'shapes-v2';
  const dir = shippedModels[name];
  if (!dir) {
    throw new Error(
      `SJD_MODEL=${name}: not a shipped model (known: ${Object.keys(shippedModels).join(', ')}); or set SJD_MODEL_DIR to a model folder`,
    );
  }
  return resolve(dir);
}

/** The JSON files of a Janus folder that transformers.js (and the Janus family) read. */
const JANUS_JSON_FILES = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'processor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
];

/** Whether `dir` holds a Janus folder in the transformers.js layout (config.json, `multi_modality`). */
function isJanusFolder(dir: string): boolean {
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      model_type?: unknown;
    };
    return config.model_type === 'multi_modality';
  } catch {
    return false;
  }
}

/**
 * A Janus folder's files: the JSON files it has of {@link JANUS_JSON_FILES} and every ONNX
 * file under `onnx/` (every dtype: the page picks with the `dtype` load option).
 */
function janusFiles(dir: string): StaticFile[] {
  const files: StaticFile[] = JANUS_JSON_FILES.filter((name) => existsSync(join(dir, name))).map(
    (name) => ({ name, path: join(dir, name) }),
  );
  const onnx = existsSync(join(dir, 'onnx')) ? readdirSync(join(dir, 'onnx')).sort() : [];
  for (const name of onnx) {
    if (name.endsWith('.onnx')) files.push({ name: `onnx/${name}`, path: join(dir, 'onnx', name) });
  }
  return files;
}

/**
 * The files of a model folder that the app serves under `model/`: for an `sjd-model` folder
 * `manifest.json` and the two files it names, for a Janus folder (config.json with
 * `model_type` `multi_modality`) its JSON files and `onnx/*.onnx`; nothing else (no training
 * leftovers). Throws, naming the folder and the override, when the folder or a file is missing.
 */
export function modelFiles(dir: string): StaticFile[] {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath) && isJanusFolder(dir)) return janusFiles(dir);
  if (!existsSync(manifestPath)) {
    throw new Error(
      `no model at ${dir} (manifest.json missing, and no Janus config.json): train or copy the model there, or point SJD_MODEL_DIR at a model folder`,
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
