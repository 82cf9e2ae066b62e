import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The browser build with the native WebGPU execution provider has no Node entry; the
    // tests run the same API on onnxruntime-web's Node build (wasm only).
    alias: { 'onnxruntime-web/webgpu': 'onnxruntime-web' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
