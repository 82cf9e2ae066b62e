import type { ExecutionProviderChoice } from '@sjd/backend-web';

/** What the page's URL asks for. */
export interface PageOptions {
  /** `?backend=auto|webgpu|wasm`. */
  readonly backend: ExecutionProviderChoice;
  /** `?threads=N`: wasm threads. */
  readonly threads: number | undefined;
  /** `?test`: expose `window.sjdPlayground` for the browser tests and the benchmark. */
  readonly testHook: boolean;
  /** `?verifyWebGpu=0`: use WebGPU without comparing its logits with wasm's first (diagnostics). */
  readonly verifyWebGpu: boolean;
}

/** Reads {@link PageOptions} from a query string, ignoring values it does not know. */
export function readPageOptions(search: string): PageOptions {
  const params = new URLSearchParams(search);
  const backend = params.get('backend');
  const threads = Number(params.get('threads'));
  return {
    backend: backend === 'webgpu' || backend === 'wasm' ? backend : 'auto',
    threads: Number.isInteger(threads) && threads >= 1 ? threads : undefined,
    testHook: params.has('test'),
    verifyWebGpu: params.get('verifyWebGpu') !== '0',
  };
}
