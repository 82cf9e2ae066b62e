import { createReadStream, statSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Connect, Plugin } from 'vite';

/** A file served at `<prefix><name>`. */
export interface StaticFile {
  readonly name: string;
  readonly path: string;
}

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.onnx': 'application/octet-stream',
};

/**
 * Serves files from outside the app (the model folder, onnxruntime-web's wasm) under a URL
 * prefix: from their place on disk in `vite dev`, and copied into the build's output
 * folder by `vite build`, so nothing is duplicated in git. `files` is called lazily, so a
 * missing model fails the build (and shows as a load error in dev) with its own message.
 * `headers` go on every answer in dev (the cross-origin isolation headers: a worker script
 * without them is blocked on an isolated page).
 */
export function staticFilesPlugin(
  prefix: string,
  files: () => StaticFile[],
  headers: Readonly<Record<string, string>> = {},
): Plugin {
  let outDir = 'dist';
  let isBuild = false;
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (!path.startsWith(`/${prefix}`)) return next();
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    let list: StaticFile[];
    try {
      list = files();
    } catch (error) {
      res.statusCode = 404;
      res.end((error as Error).message);
      return;
    }
    const file = list.find((f) => `/${prefix}${f.name}` === decodeURIComponent(path));
    if (!file) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    const extension = file.name.slice(file.name.lastIndexOf('.'));
    res.setHeader('Content-Type', TYPES[extension] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file.path).size));
    createReadStream(file.path).pipe(res);
  };
  return {
    name: `sjd-static-files:${prefix}`,
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/')
        ? config.build.outDir
        : join(config.root, config.build.outDir);
      isBuild = config.command === 'build';
    },
    buildStart() {
      if (isBuild) files();
    },
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    async writeBundle() {
      const target = join(outDir, prefix);
      await mkdir(target, { recursive: true });
      for (const file of files()) {
        // A name may lie in a subfolder (a Janus folder's onnx/*.onnx).
        await mkdir(dirname(join(target, file.name)), { recursive: true });
        await copyFile(file.path, join(target, file.name));
      }
    },
  };
}
