import type { ModelFolderReader } from '../model-folder-reader.js';
import { ModelLoadError } from '../model-load-error.js';
import type { JanusFolderReader } from './load-janus-folder.js';

/**
 * The JSON half of a {@link JanusFolderReader} over any runtime's model folder: a file's
 * path or URL, and its parsed JSON (`undefined` for an absent optional file). An absent
 * required file is a `missing-file` error, text that is not JSON a `bad-manifest` error,
 * both naming the file.
 */
export function janusJsonReader(
  folder: ModelFolderReader,
): Pick<JanusFolderReader, 'pathOf' | 'readJson'> {
  const pathOf = (file: string) => folder.locate(file) ?? file;
  return {
    pathOf,
    async readJson(file, required) {
      const text = await folder.readText(file);
      if (text === undefined) {
        if (!required) return undefined;
        throw new ModelLoadError({
          problem: 'missing-file',
          path: pathOf(file),
          message: 'not found; a Janus folder as transformers.js loads it needs it',
        });
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (cause) {
        throw new ModelLoadError({
          problem: 'bad-manifest',
          path: pathOf(file),
          message: `not valid JSON: ${(cause as Error).message}`,
          cause,
        });
      }
    },
  };
}
