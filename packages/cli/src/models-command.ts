import { findModels } from './find-models.js';

/**
 * `sjd models`: the shipped models, plus every model folder (a manifest.json, or a Janus config.json)
 * directly inside the folders given with `--path` or `SJD_MODEL_PATH`. Broken folders are
 * listed on stderr with what is wrong (or in `--json` with a `problem`).
 */
export async function runModels(searchPaths: readonly string[], json: boolean): Promise<void> {
  const found = await findModels(searchPaths);
  if (json) {
    const rows = found.map((f) =>
      'summary' in f
        ? {
            name: f.summary.name,
            family: f.summary.family,
            folder: f.dir,
            default: f.isDefault,
            gridWidth: f.summary.gridWidth,
            gridHeight: f.summary.gridHeight,
            vocabulary: f.summary.vocabulary,
            layers: f.summary.layers,
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
    const m = f.summary;
    process.stdout.write(
      `${m.name}\t${m.gridWidth}×${m.gridHeight} tokens\tvocab ${m.vocabulary}\t${m.layers} layers\t${m.family}\t${f.isDefault ? '(default) ' : ''}${f.dir}\n`,
    );
  }
}
