import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { StaticFile } from './static-files-plugin.js';

/**
 * onnxruntime-web's runtime files for its build with the native WebGPU execution provider
 * (`onnxruntime-web/webgpu`: wasm and WebGPU in one binary; its older JSEP build computes
 * the shipped model wrongly on WebGPU, see docs/playground.md), which
 * the app serves from its own origin under `ort/` and points `wasmPaths` at. Taken from the
 * copy `@sjd/backend-web` depends on, so the glue, the binary and the JavaScript API match.
 */
export function ortFiles(appRoot: string): StaticFile[] {
  const backend = realpathSync(join(appRoot, 'node_modules/@sjd/backend-web'));
  const require = createRequire(join(backend, 'package.json'));
  const dist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm'));
  return ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'].map(
    (name) => ({
      name,
      path: join(dist, name),
    }),
  );
}
