import { readFile, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { type ModelFolderReader, ModelLoadError } from '@sjd/onnx-common';

/**
 * A model folder on disk as the shared loading path reads it. A folder that does not exist
 * is a `missing-file` {@link ModelLoadError} here already.
 */
export async function nodeModelFolder(dir: string): Promise<ModelFolderReader> {
  const location = resolve(dir);
  const info = await stat(location).catch(() => null);
  if (!info?.isDirectory()) {
    throw new ModelLoadError({
      problem: 'missing-file',
      path: location,
      message: info ? 'not a folder: a model is a folder of files' : 'no such model folder',
    });
  }
  const locate = (name: string): string | undefined => {
    const path = resolve(location, name);
    return path.startsWith(location + sep) ? path : undefined;
  };
  return {
    location,
    locate,
    async readText(name) {
      const path = locate(name);
      if (path === undefined) return undefined;
      try {
        return await readFile(path, 'utf8');
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw new ModelLoadError({
          problem: 'missing-file',
          path,
          message: `cannot read it: ${(cause as Error).message}`,
          cause,
        });
      }
    },
    async exists(name) {
      const path = locate(name);
      return path !== undefined && ((await stat(path).catch(() => null))?.isFile() ?? false);
    },
  };
}
