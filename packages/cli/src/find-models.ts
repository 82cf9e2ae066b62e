import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  isJanusFolder,
  type ModelFolder,
  ModelLoadError,
  readModelFolder,
} from '@sjd/backend-node';
import { fashionModelDir } from '@sjd/fashion';
import { shippedModelDir } from '@sjd/shapes';

/** What `sjd models` shows of a model folder of any family. */
export interface ModelSummary {
  /** `sjd-model` or `janus`. */
  readonly family: string;
  /** The manifest's name; a Janus folder's name is the folder's own. */
  readonly name: string;
  readonly gridWidth: number;
  readonly gridHeight: number;
  /** Image codes the model samples from. */
  readonly vocabulary: number;
  readonly layers: number;
}

/** A folder looked at as a model: read, or broken with the reason. */
export type FoundModel =
  | {
      readonly dir: string;
      readonly summary: ModelSummary;
      /** The sjd-model folder read; absent for another family. */
      readonly folder?: ModelFolder;
      /** One of the models this repository ships. */
      readonly shipped: boolean;
      /** The one used when no model is named. */
      readonly isDefault: boolean;
    }
  | { readonly dir: string; readonly problem: string };

/** The shipped models, the default (`shapes-v2`) first, then `fashion-v1`. */
export const shippedModelDirs: readonly string[] = [shippedModelDir, fashionModelDir];

/** A Janus folder's sizes from its config.json and processor_config.json (no weights read). */
async function janusSummary(dir: string): Promise<ModelSummary> {
  const read = async (file: string) => JSON.parse(await readFile(join(dir, file), 'utf8'));
  const config = await read('config.json');
  const processor = await read('processor_config.json');
  const side = Math.sqrt(processor?.num_image_tokens);
  const vocabulary = config?.gen_head_config?.params?.image_token_size;
  const layers = config?.language_config?.num_hidden_layers;
  if (!Number.isInteger(side) || !Number.isInteger(vocabulary) || !Number.isInteger(layers)) {
    throw new Error(
      'a Janus folder needs processor_config.json num_image_tokens (a square), config.json gen_head_config.params.image_token_size and language_config.num_hidden_layers',
    );
  }
  return {
    family: 'janus',
    name: basename(dir),
    gridWidth: side,
    gridHeight: side,
    vocabulary,
    layers,
  };
}

/**
 * The shipped models, then every folder directly inside `searchPaths`: `sjd-model` folders
 * (a `manifest.json`) and Janus folders (a `config.json` with `model_type`
 * `multi_modality`). A folder with neither is not a model and is left out; one whose files
 * are broken is returned with the problem, so that it is reported rather than skipped.
 */
export async function findModels(searchPaths: readonly string[]): Promise<FoundModel[]> {
  const candidates = [...shippedModelDirs];
  for (const root of searchPaths) {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory()) candidates.push(join(root, entry.name));
  }
  const found: FoundModel[] = [];
  for (const dir of [...new Set(candidates)]) {
    try {
      if (await isJanusFolder(dir)) {
        found.push({
          dir,
          summary: await janusSummary(dir),
          shipped: false,
          isDefault: false,
        });
        continue;
      }
      const folder = await readModelFolder(dir);
      const m = folder.manifest;
      const summary: ModelSummary = {
        family: 'sjd-model',
        name: m.name,
        gridWidth: m.image.gridWidth,
        gridHeight: m.image.gridHeight,
        vocabulary: m.vocabulary.size,
        layers: m.decoder.numLayers,
      };
      found.push({
        dir,
        summary,
        folder,
        shipped: shippedModelDirs.includes(dir),
        isDefault: dir === shippedModelDir,
      });
    } catch (error) {
      if (await isJanusFolder(dir)) {
        found.push({ dir, problem: (error as Error).message });
        continue;
      }
      const hasManifest = await stat(join(dir, 'manifest.json')).catch(() => null);
      if (hasManifest) found.push({ dir, problem: (error as Error).message });
    }
  }
  return found;
}

/** The model search path: `SJD_MODEL_PATH`, folders separated by `:`. */
export function modelSearchPath(value = process.env['SJD_MODEL_PATH'] ?? ''): string[] {
  return value.split(':').filter(Boolean);
}

/**
 * `--model`: a folder path if one exists there, otherwise the name of a model that
 * `sjd models` lists (e.g. `shapes-v2`, `fashion-v1`). Undefined means the default model:
 * the CLI's default, not the library's (which has none).
 */
export async function resolveModelDir(
  model: string | undefined,
  searchPaths: readonly string[],
): Promise<string> {
  if (model === undefined) return shippedModelDir;
  if (await stat(model).catch(() => null)) return model;
  if (model.includes('/') || model.includes('\\')) return model; // a path: let loading say what is missing
  const found = await findModels(searchPaths);
  const match = found.find((f) => 'summary' in f && f.summary.name === model);
  if (match) return match.dir;
  const names = found.flatMap((f) => ('summary' in f ? [f.summary.name] : []));
  throw new ModelLoadError({
    problem: 'missing-file',
    path: model,
    message: `no such folder, and no model of that name (sjd models lists: ${names.join(', ')}; more with SJD_MODEL_PATH)`,
  });
}
