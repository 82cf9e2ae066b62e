import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ModelFolder, ModelLoadError, readModelFolder } from '@sjd/backend-node';
import { fashionModelDir } from '@sjd/fashion';
import { shippedModelDir } from '@sjd/shapes';

/**
 * A folder looked at as a model: read, or broken with the reason. `shipped`: one of the
 * models this repository ships; `isDefault`: the one used when no model is named.
 */
export type FoundModel =
  | {
      readonly dir: string;
      readonly folder: ModelFolder;
      readonly shipped: boolean;
      readonly isDefault: boolean;
    }
  | { readonly dir: string; readonly problem: string };

/** The shipped models, the default (`shapes-v2`) first, then `fashion-v1`. */
export const shippedModelDirs: readonly string[] = [shippedModelDir, fashionModelDir];

/**
 * The shipped models, then every folder directly inside `searchPaths`. A folder with no
 * `manifest.json` at all is not a model and is left out; one whose manifest or files are
 * broken is returned with the problem, so that it is reported rather than skipped.
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
      found.push({
        dir,
        folder: await readModelFolder(dir),
        shipped: shippedModelDirs.includes(dir),
        isDefault: dir === shippedModelDir,
      });
    } catch (error) {
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
 * `sjd models` lists (e.g. `shapes-v2`, `fashion-v1`). Undefined means the default model.
 */
export async function resolveModelDir(
  model: string | undefined,
  searchPaths: readonly string[],
): Promise<string | undefined> {
  if (model === undefined) return undefined;
  if (await stat(model).catch(() => null)) return model;
  if (model.includes('/') || model.includes('\\')) return model; // a path: let loading say what is missing
  const found = await findModels(searchPaths);
  const match = found.find((f) => 'folder' in f && f.folder.manifest.name === model);
  if (match) return match.dir;
  const names = found.flatMap((f) => ('folder' in f ? [f.folder.manifest.name] : []));
  throw new ModelLoadError({
    problem: 'missing-file',
    path: model,
    message: `no such folder, and no model of that name (sjd models lists: ${names.join(', ')}; more with SJD_MODEL_PATH)`,
  });
}
