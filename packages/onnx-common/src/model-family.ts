import type { ModelFolderReader } from './model-folder-reader.js';
import { ModelLoadError } from './model-load-error.js';

/**
 * A family of model folders that one loader understands: the project's own `sjd-model`
 * (a `manifest.json`), Janus-Pro as transformers.js ships it (`config.json` with
 * `model_type: "multi_modality"`), … Each runtime keeps a list of the families it can
 * load (`NODE_MODEL_FAMILIES`, `WEB_MODEL_FAMILIES`); {@link recogniseModelFamily} picks
 * the family of a folder, and its {@link load} builds the model. `Options` are the
 * runtime's load options (already validated), `Model` what it returns, `Folder` how the
 * runtime reads the folder (the browser's reader also fetches bytes).
 */
export interface ModelFamily<Options, Model, Folder extends ModelFolderReader = ModelFolderReader> {
  /** Stable id, e.g. `sjd-model`, `janus`; the loaded model's `family`. */
  readonly id: string;
  /** What marks a folder of this family, for messages: `manifest.json with format "sjd-model"`. */
  readonly recognisedBy: string;
  /** The file whose presence marks the family (`manifest.json`, `config.json`). */
  readonly markerFile: string;
  /**
   * Whether the folder holds a model of this family. Reads only small files; says `false`
   * (never throws) for a folder of another family. A folder whose marker is present but
   * broken is this family's (so that loading reports what is broken).
   */
  recognise(folder: ModelFolderReader): Promise<boolean>;
  /** Loads a folder this family recognised. Throws `ModelLoadError` naming the file at fault. */
  load(folder: Folder, options: Options): Promise<Model>;
}

/**
 * The runtime-agnostic half of a family (what marks its folders), shared by every
 * runtime's loader of it: a runtime's family is `{ ...recognition, load }`.
 */
export type FamilyRecognition = Omit<ModelFamily<unknown, unknown>, 'load'>;

/**
 * The first family in `families` that recognises the folder. None: a `ModelLoadError`
 * (`unknown-family`) that names the folder's marker file found (or the folder) and lists
 * every family with what marks it.
 */
export async function recogniseModelFamily<F extends FamilyRecognition>(
  folder: ModelFolderReader,
  families: readonly F[],
): Promise<F> {
  for (const family of families) if (await family.recognise(folder)) return family;
  const markers = [...new Set(families.map((f) => f.markerFile))];
  const present: string[] = [];
  for (const marker of markers) {
    if (folder.exists ? await folder.exists(marker) : (await folder.readText(marker)) !== undefined)
      present.push(marker);
  }
  const known = families.map((f) => `${f.id} (${f.recognisedBy})`).join('; ');
  const path =
    present.length > 0 ? (folder.locate(present[0]!) ?? folder.location) : folder.location;
  throw new ModelLoadError({
    problem: 'unknown-family',
    path,
    message:
      present.length > 0
        ? `${present.join(' and ')} found, but no model family this package loads recognises it; it loads: ${known}`
        : `not a model folder: none of ${markers.join(', ')} is there; this package loads: ${known}`,
  });
}
