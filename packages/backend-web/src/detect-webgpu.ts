/** What this file needs of WebGPU's `GPUAdapter` (the DOM typings here have no WebGPU). */
export interface WebGpuAdapter {
  readonly isFallbackAdapter?: boolean;
  readonly info?: {
    readonly vendor?: string;
    readonly architecture?: string;
    readonly description?: string;
    readonly isFallbackAdapter?: boolean;
  };
}

/** The outcome of looking for a WebGPU adapter. */
export type WebGpuProbe =
  | {
      readonly available: true;
      readonly adapter: WebGpuAdapter;
      readonly description: string;
      readonly software: boolean;
    }
  | { readonly available: false; readonly reason: string };

interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance';
  }): Promise<WebGpuAdapter | null>;
}

/**
 * Asks the browser for a WebGPU adapter, the same way onnxruntime-web will. Says why there
 * is none (no `navigator.gpu`, which also happens outside a secure context; no adapter; an
 * exception), and whether the adapter is a software fallback such as SwiftShader.
 */
export async function detectWebGpu(
  gpu: GpuLike | undefined = navigatorGpu(),
): Promise<WebGpuProbe> {
  if (!gpu) {
    const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
    return {
      available: false,
      reason:
        secure === false
          ? 'WebGPU needs a secure context (https or localhost) and this page is not one'
          : 'this browser has no WebGPU (navigator.gpu is undefined)',
    };
  }
  let adapter: WebGpuAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (cause) {
    return {
      available: false,
      reason: `navigator.gpu.requestAdapter() failed: ${(cause as Error).message ?? String(cause)}`,
    };
  }
  if (!adapter) {
    return {
      available: false,
      reason:
        'navigator.gpu.requestAdapter() found no adapter (no usable GPU, a blocklisted driver, or WebGPU switched off)',
    };
  }
  const info = adapter.info ?? {};
  const software =
    Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter) ||
    info.architecture === 'swiftshader';
  const description =
    [info.vendor, info.architecture, info.description].filter((part) => part).join(' ') ||
    'unnamed adapter';
  return {
    available: true,
    adapter,
    description: software ? `${description} (software)` : description,
    software,
  };
}

function navigatorGpu(): GpuLike | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
}
