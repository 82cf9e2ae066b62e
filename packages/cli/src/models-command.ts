import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readModelFolder } from '@sjd/backend-node';
import { shippedModelDir } from '@sjd/shapes';

/**
 * `sjd models`: the shipped model, plus every model folder (a folder with a
 * manifest.json) directly inside the folders given with `--path` or `SJD_MODEL_PATH`.
 */
export async function runModels(searchPaths: readonly string[]): Promise<void> {
  const candidates = [shippedModelDir];
  for (const root of searchPaths) {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory()) candidates.push(join(root, entry.name));
  }
  const rows: Record<string, string | number>[] = [];
  for (const dir of candidates) {
    const folder = await readModelFolder(dir).catch(() => null);
    if (!folder) continue;
    const m = folder.manifest;
    rows.push({
      name: m.name,
      grid: `${m.image.gridWidth}×${m.image.gridHeight}`,
      vocabulary: m.vocabulary.size,
      layers: m.decoder.numLayers,
      default: dir === shippedModelDir ? 'yes' : '',
      folder: folder.dir,
    });
  }
  for (const row of rows) {
    process.stdout.write(
      `${row['name']}\t${row['grid']} tokens\tvocab ${row['vocabulary']}\t${row['layers']} layers\t${row['default'] ? '(default) ' : ''}${row['folder']}\n`,
    );
  }
}
