import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { exampleCaptions } from './vite/example-captions.js';
import { ISOLATION_HEADERS } from './vite/isolation-headers.js';
import { modelDir, modelFiles } from './vite/model-files.js';
import { ortFiles } from './vite/ort-files.js';
import { staticFilesPlugin } from './vite/static-files-plugin.js';

/**
 * The playground is plain TypeScript and DOM. The model (`SJD_MODEL_DIR`, else the shipped
 * model `SJD_MODEL` names: `shapes-v2`, the default, or `fashion-v1`) is served under `model/`
 * and onnxruntime-web's runtime under
 * `ort/`, both from the app's own origin; relative `base` so `dist/` works from any path.
 */
export default defineConfig(() => {
  const dir = modelDir();
  // An sjd-model folder names its model in manifest.json; another family (Janus) has none.
  const manifest = join(dir, 'manifest.json');
  const modelName = existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name
    : undefined;
  const appRoot = fileURLToPath(new URL('.', import.meta.url));
  return {
    base: './',
    resolve: {
      // onnxruntime-web without its embedded copy of the wasm glue: the app serves it under ort/.
      conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
    },
    define: {
      __SJD_EXAMPLE_CAPTIONS__: JSON.stringify(exampleCaptions(12, modelName)),
    },
    optimizeDeps: { exclude: ['onnxruntime-web'] },
    build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
    server: { headers: ISOLATION_HEADERS },
    preview: { headers: ISOLATION_HEADERS },
    plugins: [
      staticFilesPlugin('model/', () => modelFiles(dir), ISOLATION_HEADERS),
      staticFilesPlugin('ort/', () => ortFiles(appRoot), ISOLATION_HEADERS),
    ],
  };
});
