/**
 * Cross-origin isolation (COOP + COEP), so that `SharedArrayBuffer` and with it
 * onnxruntime-web's multi-threaded wasm work. Every static host must send these.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
