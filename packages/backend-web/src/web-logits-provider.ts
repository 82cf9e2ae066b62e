import type { CacheStrategy } from '@sjd/core';
import { InvalidArgumentError, loadSamplingKernel } from '@sjd/core';
import {
  calibrateLoadedModel,
  checkDecoderGraph,
  checkDtypeOption,
  checkLoadOptions,
  type DtypeOption,
  ExecutionProviderError,
  type FamilyRecognition,
  ImageDecoder,
  type ImageModel,
  type ModelFamily,
  ModelLoadError,
  OnnxImageModel,
  recogniseModelFamily,
  sjdModelRecognition,
} from '@sjd/onnx-common';
import * as ort from 'onnxruntime-web/webgpu';
import {
  createWebSession,
  WEB_EXECUTION_PROVIDERS,
  type WebExecutionProvider,
} from './create-web-session.js';
import { detectWebGpu } from './detect-webgpu.js';
import {
  type FetchedModel,
  fetchSjdModel,
  type LoadProgress,
  openWebModelFolder,
  type WebModelFolder,
} from './fetch-model-folder.js';
import { measureDecoderAgreement } from './measure-decoder-agreement.js';

/** What the caller asks for: `auto` picks WebGPU when a hardware adapter exists, else wasm. */
export type ExecutionProviderChoice = 'auto' | WebExecutionProvider;

/** Which execution provider actually runs, and why. onnxruntime-web would not say. */
export interface ExecutionProviderReport {
  /** What the caller asked for. */
  readonly requested: ExecutionProviderChoice;
  /** What runs the decoder. */
  readonly active: WebExecutionProvider;
  /** Threads of the wasm runtime (1 unless the page is cross-origin isolated). */
  readonly threads: number;
  /** `crossOriginIsolated` of the page: wasm threads need it. */
  readonly crossOriginIsolated: boolean;
  /** The WebGPU adapter in use, e.g. `nvidia ampere`, or `null` on wasm. */
  readonly adapter: string | null;
  /** Why `auto` did not get WebGPU; `null` when it did or when wasm was asked for. */
  readonly fallbackReason: string | null;
  /**
   * On WebGPU: the largest |logit difference| from wasm on a probe input, measured at load
   * (see `verifyWebGpu`); `null` on wasm or when not measured.
   */
  readonly webGpuLogitDifference: number | null;
  /**
   * What runs the core's sampling chain (CFG mix, top-k, top-p, softmax) in this page:
   * `wasm` (WebAssembly SIMD) or `js` where WebAssembly SIMD is unavailable.
   */
  readonly samplingKernel: 'wasm' | 'js';
}

/** How to load a model in the browser. Only `modelUrl` is required. */
export interface LoadWebModelOptions {
  /** URL of the model folder (holding `manifest.json`), on the page's own origin; relative URLs resolve against the page. */
  readonly modelUrl: string | URL;
  /** Default `auto`. Naming `webgpu` or `wasm` insists: no fallback, an `ExecutionProviderError` instead. */
  readonly executionProvider?: ExecutionProviderChoice;
  /**
   * URL prefix (ending in `/`) where onnxruntime-web's `ort-wasm-simd-threaded.asyncify.{wasm,mjs}`
   * are served. Default: onnxruntime-web's own lookup beside its script. Read once per page,
   * at the first load (onnxruntime-web keeps one runtime per page).
   */
  readonly wasmPaths?: string;
  /**
   * wasm threads. Default: up to 4 (the CPU count) on a cross-origin isolated page, else 1.
   * Read once per page: the first load's value holds for every later one.
   */
  readonly threads?: number;
  /**
   * Before using WebGPU, run one probe forward pass on WebGPU and on wasm and compare the
   * logits; WebGPU that disagrees by more than {@link WEBGPU_TOLERANCE} is not used (`auto`
   * falls back to wasm and says why; insisting on `webgpu` throws). Default true: some
   * onnxruntime-web WebGPU kernels compute some models wrongly, and that must not pass as
   * the model's images. Costs one extra wasm session and two forward passes at load.
   */
  readonly verifyWebGpu?: boolean;
  /** Allow a WebGPU adapter that is a software fallback (SwiftShader) under `auto`. Default false: wasm is faster. */
  readonly allowSoftwareAdapter?: boolean;
  /** How rejected drafts leave the KV cache. Default `trim`. */
  readonly cacheStrategy?: CacheStrategy;
  /**
   * Which weights to load where a folder offers several (transformers.js' names: `fp32`,
   * `fp16`, `q4`, `q4f16` …). Default: the folder's own choice. An `sjd-model` folder holds
   * one float32 decoder, so only `fp32`; a Janus folder takes one for every sub-model or one
   * per sub-model, `{ language_model: 'q4f16' }`.
   */
  readonly dtype?: DtypeOption;
  /**
   * Time forward passes over blocks of 1 … 128 tokens at load, so that {@link WebLogitsProvider.relativeCost}
   * (and with it SJD's automatic window) knows this device. Costs a second or two on wasm. Default false.
   */
  readonly calibrate?: boolean;
  /** Replaces `globalThis.fetch` for the model files. */
  readonly fetch?: typeof fetch;
  /** Download progress of the model files. */
  readonly onProgress?: (progress: LoadProgress) => void;
  readonly signal?: AbortSignal;
}

/** {@link LoadWebModelOptions} checked, the page's runtime configured: what a family's `load` receives. */
export interface WebLoadSettings {
  readonly requested: ExecutionProviderChoice;
  readonly cacheStrategy: CacheStrategy;
  readonly verifyWebGpu: boolean;
  readonly allowSoftwareAdapter: boolean;
  /** `crossOriginIsolated` of the page. */
  readonly crossOriginIsolated: boolean;
  /** Whether the core's WebAssembly sampling kernel compiled. */
  readonly samplingKernel: 'wasm' | 'js';
  /** `undefined`: the folder's own choice. The family checks it and names the allowed values. */
  readonly dtype: DtypeOption | undefined;
  readonly signal: AbortSignal | undefined;
}

/** A model loaded on onnxruntime-web, of any family. */
export interface WebImageModel extends ImageModel {
  /** The model folder URL. */
  readonly modelUrl: string;
  /** Which execution provider runs the model, and why. */
  readonly executionProviderReport: ExecutionProviderReport;
  /** Optional: times forward passes by block length for `window: 'auto'`. */
  calibrate?(): Promise<void>;
  /** Optional, with `calibrate`: whether step costs were measured or given. */
  readonly calibrated?: boolean;
}

/** A model family as onnxruntime-web loads it. */
export type WebModelFamily<M extends WebImageModel = WebImageModel> = ModelFamily<
  WebLoadSettings,
  M,
  WebModelFolder
>;

const CHOICES: readonly ExecutionProviderChoice[] = ['auto', ...WEB_EXECUTION_PROVIDERS];

/** Largest |logit difference| from wasm that WebGPU may show and still be used. */
export const WEBGPU_TOLERANCE = 0.05;

/**
 * A `LogitsProvider` on onnxruntime-web for decoder ONNX models in the Optimum /
 * transformers.js interface (`input_ids`, `attention_mask`, `position_ids`,
 * `past_key_values.*` → `logits`, `present.*`): WebGPU when the browser offers a hardware
 * adapter, wasm otherwise. {@link executionProviderReport} says which one runs. Also decodes
 * image codes to RGB with the model's image decoder.
 *
 * @example
 * const model = await WebLogitsProvider.load({ modelUrl: './model/', wasmPaths: '/ort/' });
 * console.log(model.executionProviderReport.active); // 'webgpu' | 'wasm'
 * const prompt = encodePrompt(model.manifest, 'a large red circle in the centre');
 * for await (const event of generateStream({ provider: model, prompt: prompt.conditional })) { … }
 */
export class WebLogitsProvider extends OnnxImageModel implements WebImageModel {
  /** The model folder URL. */
  readonly modelUrl: string;
  readonly executionProviderReport: ExecutionProviderReport;

  private constructor(
    model: FetchedModel,
    decoder: ort.InferenceSession,
    imageDecoder: ImageDecoder,
    report: ExecutionProviderReport,
    cacheStrategy: CacheStrategy,
  ) {
    super(ort, decoder, imageDecoder, {
      manifest: model.manifest,
      cacheStrategy,
      providerId: `onnxruntime-web/${report.active}/${model.manifest.name}`,
    });
    this.modelUrl = model.url;
    this.executionProviderReport = report;
  }

  /** The execution provider that runs the decoder. */
  get executionProvider(): WebExecutionProvider {
    return this.executionProviderReport.active;
  }

  /**
   * Fetches an `sjd-model` folder and opens it (for a folder of any family:
   * `loadWebModel`). Throws `ModelLoadError` (a file is missing, not on this origin, or not
   * what the manifest says) or `ExecutionProviderError` (the insisted provider cannot run
   * here).
   */
  static load(options: LoadWebModelOptions): Promise<WebLogitsProvider> {
    return loadWebModelWith([webSjdModelFamily], options);
  }

  /** The `sjd-model` family's loader on the web: a recognised folder, options checked. */
  static async open(folder: WebModelFolder, settings: WebLoadSettings): Promise<WebLogitsProvider> {
    if (settings.dtype !== undefined && settings.dtype !== 'fp32') {
      throw new InvalidArgumentError({
        field: 'dtype',
        allowed: 'fp32 (an sjd-model folder holds one float32 decoder)',
        received: settings.dtype,
      });
    }
    const model = await fetchSjdModel(folder);
    settings.signal?.throwIfAborted();
    const { requested } = settings;
    const { decoder, active, adapter, fallbackReason, webGpuLogitDifference } = await openDecoder(
      model,
      requested,
      settings.allowSoftwareAdapter,
      settings.verifyWebGpu,
    );
    try {
      checkDecoderGraph(decoder, model.manifest, model.decoderUrl);
      // Always on wasm: it runs once per drawn frame and is tiny, so a GPU round trip
      // would cost more than it saves.
      const imageDecoder = await ImageDecoder.open(
        ort,
        await createWebSession(model.imageDecoderBytes, model.imageDecoderUrl, 'wasm'),
        model.imageDecoderUrl,
        model.manifest,
      );
      const report: ExecutionProviderReport = {
        requested,
        active,
        threads: ort.env.wasm.numThreads ?? 1,
        crossOriginIsolated: settings.crossOriginIsolated,
        adapter,
        fallbackReason,
        webGpuLogitDifference,
        samplingKernel: settings.samplingKernel,
      };
      return new WebLogitsProvider(model, decoder, imageDecoder, report, settings.cacheStrategy);
    } catch (error) {
      await decoder.release();
      throw error;
    }
  }
}

/** The project's own `sjd-model` family on onnxruntime-web (see `loadWebModel`). */
export const webSjdModelFamily: WebModelFamily<WebLogitsProvider> = {
  ...(sjdModelRecognition as FamilyRecognition),
  load: (folder, settings) => WebLogitsProvider.open(folder, settings),
};

/**
 * Checks the options, configures the page's runtime, recognises the folder's family among
 * `families` and loads it (calibrating when asked). The one loading path of this package.
 */
export async function loadWebModelWith<M extends WebImageModel>(
  families: readonly WebModelFamily<M>[],
  options: LoadWebModelOptions,
): Promise<M> {
  const requested = options.executionProvider ?? 'auto';
  if (!CHOICES.includes(requested)) {
    throw new InvalidArgumentError({
      field: 'executionProvider',
      allowed: CHOICES.join(' | '),
      received: requested,
    });
  }
  const cacheStrategy = checkLoadOptions(options);
  const dtype = checkDtypeOption(options.dtype);
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  configureRuntime(options, isolated);
  const folder = openWebModelFolder(options.modelUrl, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // The core's WebAssembly sampling kernel is too large to compile synchronously on a
  // page's main thread; compiling it here lets every later generation use it.
  const [family, kernelLoaded] = await Promise.all([
    recogniseModelFamily(folder, families),
    loadSamplingKernel(),
  ]);
  options.signal?.throwIfAborted();
  const model = await family.load(folder, {
    requested,
    cacheStrategy,
    verifyWebGpu: options.verifyWebGpu ?? true,
    allowSoftwareAdapter: options.allowSoftwareAdapter ?? false,
    crossOriginIsolated: isolated,
    samplingKernel: kernelLoaded ? 'wasm' : 'js',
    dtype,
    signal: options.signal,
  });
  return calibrateLoadedModel(model, family.id, options.calibrate ?? false);
}

/**
 * Sets onnxruntime-web's page-wide runtime options before its first session. onnxruntime-web
 * reads them once, when its runtime starts, and then keeps the thread count it really got in
 * `env.wasm.numThreads` (1 where the page is not cross-origin isolated); so a thread count
 * already there is left alone, and the report reads it back.
 */
function configureRuntime(options: LoadWebModelOptions, isolated: boolean): void {
  if (options.wasmPaths !== undefined && ort.env.wasm.wasmPaths === undefined) {
    ort.env.wasm.wasmPaths = options.wasmPaths;
  }
  const current = ort.env.wasm.numThreads;
  if (typeof current === 'number' && Number.isInteger(current) && current > 0) return;
  const cores =
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency ?? 1;
  ort.env.wasm.numThreads = options.threads ?? (isolated ? Math.max(1, Math.min(4, cores)) : 1);
}

/** Opens the decoder on the chosen provider; under `auto`, falls back to wasm and says why. */
async function openDecoder(
  model: FetchedModel,
  requested: ExecutionProviderChoice,
  allowSoftwareAdapter: boolean,
  verify: boolean,
): Promise<{
  decoder: ort.InferenceSession;
  active: WebExecutionProvider;
  adapter: string | null;
  fallbackReason: string | null;
  webGpuLogitDifference: number | null;
}> {
  const openWasm = () => createWebSession(model.decoderBytes, model.decoderUrl, 'wasm');
  const onWasm = async (fallbackReason: string | null, decoder?: ort.InferenceSession) => ({
    decoder: decoder ?? (await openWasm()),
    active: 'wasm' as const,
    adapter: null,
    fallbackReason,
    webGpuLogitDifference: null,
  });
  if (requested === 'wasm') return onWasm(null);

  const probe = await detectWebGpu();
  if (!probe.available) {
    if (requested === 'webgpu') {
      throw new ExecutionProviderError({
        executionProvider: 'webgpu',
        message: `WebGPU is not available: ${probe.reason}`,
      });
    }
    return onWasm(probe.reason);
  }
  if (requested === 'auto' && probe.software && !allowSoftwareAdapter) {
    return onWasm(
      `the only WebGPU adapter is a software fallback (${probe.description}), slower than wasm`,
    );
  }
  ort.env.webgpu.adapter = probe.adapter as typeof ort.env.webgpu.adapter;
  let decoder: ort.InferenceSession;
  try {
    decoder = await createWebSession(model.decoderBytes, model.decoderUrl, 'webgpu');
  } catch (error) {
    // A model that wasm opens but WebGPU does not is WebGPU's fault (an unsupported operator, a lost device).
    const onCpu = await onWasm(
      `onnxruntime-web's WebGPU backend failed: ${(error as Error).message}`,
    );
    if (requested === 'auto') return onCpu;
    await onCpu.decoder.release();
    if (ModelLoadError.isInstance(error) || ExecutionProviderError.isInstance(error)) {
      throw new ExecutionProviderError({
        executionProvider: 'webgpu',
        message: `WebGPU (${probe.description}) could not run this model: ${error.message}`,
        cause: error,
      });
    }
    throw error;
  }
  const onGpu = (webGpuLogitDifference: number | null) => ({
    decoder,
    active: 'webgpu' as const,
    adapter: probe.description,
    fallbackReason: null,
    webGpuLogitDifference,
  });
  if (!verify) return onGpu(null);
  const reference = await openWasm();
  let difference: number;
  try {
    difference = await measureDecoderAgreement(decoder, reference, model.manifest);
  } catch (error) {
    await Promise.all([decoder.release(), reference.release()]);
    throw error;
  }
  if (difference <= WEBGPU_TOLERANCE) {
    await reference.release();
    return onGpu(difference);
  }
  await decoder.release();
  const reason = `on WebGPU (${probe.description}) this model's logits come out up to ${difference.toFixed(2)} away from wasm's (tolerance ${WEBGPU_TOLERANCE}): onnxruntime-web's WebGPU kernels compute it wrongly, and its images would not be the model's`;
  if (requested === 'auto') return onWasm(reason, reference);
  await reference.release();
  throw new ExecutionProviderError({
    executionProvider: 'webgpu',
    message: `WebGPU cannot run this model correctly: ${reason}`,
  });
}
