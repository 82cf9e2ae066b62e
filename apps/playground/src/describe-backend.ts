import type { ExecutionProviderReport } from '@sjd/backend-web';

/** One line for the page saying where the model runs, and why not on WebGPU if it does not. */
export function describeBackend(modelName: string, report: ExecutionProviderReport): string {
  const where =
    report.active === 'webgpu'
      ? `WebGPU (${report.adapter ?? 'adapter'}${report.webGpuLogitDifference === null ? ', not checked against wasm' : ''})`
      : `WebAssembly, ${report.threads} thread${report.threads === 1 ? '' : 's'}${report.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}`;
  const why = report.fallbackReason ? ` — WebGPU not used: ${report.fallbackReason}` : '';
  return `Model ${modelName} on ${where}${why}.`;
}
