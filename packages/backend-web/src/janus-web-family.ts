import {
  ExecutionProviderError,
  type JanusDtypeOption,
  JanusFamilyModel,
  type JanusFolderReader,
  type JanusImageModel,
  janusJsonReader,
  janusRecognition,
  loadJanusFolder,
  ModelLoadError,
  readJanusFolderInfo,
} from '@sjd/onnx-common';
import * as ort from 'onnxruntime-web/webgpu';
import { createWebSession, type WebExecutionProvider } from './create-web-session.js';
import { detectWebGpu } from './detect-webgpu.js';
import type { WebModelFolder } from './fetch-model-folder.js';
import type {
  ExecutionProviderReport,
  WebImageModel,
  WebLoadSettings,
  WebModelFamily,
} from './web-logits-provider.js';

/**
 * A Janus folder loaded on onnxruntime-web as every entry point sees a model: the shared
 * {@link JanusFamilyModel} plus the web members (folder URL, execution provider report,
 * calibration).
 */
export class WebJanusModel extends JanusFamilyModel implements WebImageModel {
  constructor(
    janus: JanusImageModel,
    info: { name: string; pixelWidth: number; pixelHeight: number },
    readonly modelUrl: string,
    readonly executionProviderReport: ExecutionProviderReport,
  ) {
    super(janus, info);
  }

  /** Times forward passes for `window: 'auto'` (Janus' own `calibrate`). */
  calibrate(): Promise<void> {
    return this.janus.calibrate();
  }

  get calibrated(): boolean {
    return this.janus.calibrated;
  }
}

/**
 * A Janus folder on the page's origin as `loadJanusFolder` reads it: JSON files through the
 * web folder (fetched once, `undefined` when absent), ONNX files fetched as bytes and opened
 * on `executionProvider`.
 */
function fetchedJanusReader(
  folder: WebModelFolder,
  executionProvider: WebExecutionProvider,
  signal: AbortSignal | undefined,
): JanusFolderReader {
  const { pathOf, readJson } = janusJsonReader(folder);
  return {
    pathOf,
    readJson,
    async createSession(file, hint) {
      signal?.throwIfAborted();
      const url = pathOf(file);
      let bytes: Uint8Array;
      try {
        bytes = await folder.readBytes(url, file);
      } catch (error) {
        if (ModelLoadError.isInstance(error) && error.problem === 'missing-file') {
          throw new ModelLoadError({
            problem: 'missing-file',
            path: url,
            message: `${error.message}: ${hint}`,
            cause: error,
          });
        }
        throw error;
      }
      return createWebSession(bytes, url, executionProvider);
    },
  };
}

/** Which provider runs a Janus model: `auto` takes a hardware WebGPU adapter, else wasm. */
async function chooseProvider(settings: WebLoadSettings): Promise<{
  active: WebExecutionProvider;
  adapter: string | null;
  fallbackReason: string | null;
}> {
  if (settings.requested === 'wasm') return { active: 'wasm', adapter: null, fallbackReason: null };
  const probe = await detectWebGpu();
  if (!probe.available) {
    if (settings.requested === 'webgpu') {
      throw new ExecutionProviderError({
        executionProvider: 'webgpu',
        message: `WebGPU is not available: ${probe.reason}`,
      });
    }
    return { active: 'wasm', adapter: null, fallbackReason: probe.reason };
  }
  if (settings.requested === 'auto' && probe.software && !settings.allowSoftwareAdapter) {
    return {
      active: 'wasm',
      adapter: null,
      fallbackReason: `the only WebGPU adapter is a software fallback (${probe.description}), slower than wasm`,
    };
  }
  ort.env.webgpu.adapter = probe.adapter as typeof ort.env.webgpu.adapter;
  return { active: 'webgpu', adapter: probe.description, fallbackReason: null };
}

/**
 * The Janus / Janus-Pro family (transformers.js layout, `config.json` `model_type`
 * `multi_modality`) on onnxruntime-web, for `loadWebModel`: the six sub-models fetched from
 * the page's origin (the same-origin rule of every web folder) in the chosen `dtype`, all
 * on one execution provider. WebGPU is not cross-checked against wasm at load for this
 * family (`verifyWebGpu` applies to sjd-model folders); `webGpuLogitDifference` is `null`.
 */
export const webJanusFamily: WebModelFamily<WebJanusModel> = {
  ...janusRecognition,
  async load(folder, settings) {
    const { active, adapter, fallbackReason } = await chooseProvider(settings);
    const janus = await loadJanusFolder(
      ort,
      fetchedJanusReader(folder, active, settings.signal ?? undefined),
      {
        ...(settings.dtype === undefined ? {} : { dtype: settings.dtype as JanusDtypeOption }),
        cacheStrategy: settings.cacheStrategy,
        providerId: `onnxruntime-web/${active}`,
      },
    );
    try {
      const info = await readJanusFolderInfo(folder, janus);
      const report: ExecutionProviderReport = {
        requested: settings.requested,
        active,
        threads: ort.env.wasm.numThreads ?? 1,
        crossOriginIsolated: settings.crossOriginIsolated,
        adapter,
        fallbackReason,
        webGpuLogitDifference: null,
        samplingKernel: settings.samplingKernel,
      };
      return new WebJanusModel(janus, info, folder.location, report);
    } catch (error) {
      await janus.release();
      throw error;
    }
  },
};
