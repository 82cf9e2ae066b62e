import { findModels } from './find-models.js';

/**
 * `sjd models`: the shipped models, plus every model folder (a folder with a manifest.json)
 * directly inside the folders given with `--path` or `SJD_MODEL_PATH`. Broken folders are
 * listed on stderr with what is wrong (or in `--json` with a `problem`).
 */
export async function runModels(searchPaths: readonly string[], json: boolean): Promise<void> {
  const found = await findModels(searchPaths);
  if (json) {
    const rows = found.map((f) =>
      'folder' in f
        ? {
            name: f.folder.manifest.name,
            folder: f.folder.dir,
            default: f.isDefault,
            gridWidth: f.folder.manifest.image.gridWidth,
            gridHeight: f.folder.manifest.image.gridHeight,
            vocabulary: f.folder.manifest.vocabulary.size,
            layers: f.folder.manifest.decoder.numLayers,
          }
        : { folder: f.dir, problem: f.problem },
    );
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  for (const f of found) {
    if ('problem' in f) {
      process.stderr.write(`sjd: broken model folder ${f.dir}: ${f.problem}\n`);
      continue;
    }
    const m = f.folder.manifest;
    process.stdout.write(
      `${m.name}\t${m.image.gridWidth}×${m.image.gridHeight} tokens\tvocab ${m.vocabulary.size}\t${m.decoder.numLayers} layers\t${f.isDefault ? '(default) ' : ''}${f.folder.dir}\n`,
    );
  }
}
