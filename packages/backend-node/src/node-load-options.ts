import {
  type CacheStrategy,
  type CostPoint,
  checkCostPoints,
  InvalidArgumentError,
} from '@sjd/core';
import {
  calibrateLoadedModel,
  checkDtypeOption,
  checkLoadOptions,
  type DtypeOption,
  type ImageModel,
  type ModelFamily,
  type ModelFolderReader,
} from '@sjd/onnx-common';
import { EXECUTION_PROVIDERS, type ExecutionProvider } from './create-inference-session.js';

/** How to load a model: which folder; every other field is optional. */
export interface LoadModelOptions {
  /**
   * A model folder of a family this package loads (`NODE_MODEL_FAMILIES`), e.g. the shipped
   * model's, `shippedModelDir` from `@sjd/shapes`.
   */
  readonly modelDir: string;
  /** Default `cpu`. */
  readonly executionProvider?: ExecutionProvider;
  /**
   * Which weights to load where a folder offers several (transformers.js' names: `fp32`,
   * `fp16`, `q8`, `q4`, `q4f16` …). Default: the folder's own choice. Each family says
   * which it has: an `sjd-model` folder holds one float32 decoder, so only `fp32`; a Janus
   * folder takes one for every sub-model or one per sub-model, `{ language_model: 'q4' }`.
   */
  readonly dtype?: DtypeOption;
  /** How rejected drafts leave the KV cache. Default `trim` (see docs/kv-cache.md). */
  readonly cacheStrategy?: CacheStrategy;
  /** onnxruntime intra-op threads. Default: onnxruntime's choice (all cores). */
  readonly threads?: number;
  /**
   * Time forward passes once at load (about a second) for the automatic window's cost
   * model; without it (or `costProfile`) `relativeCost` is the core's default guess.
   * Timings vary from run to run, and with them the windows `window: 'auto'` picks: for a
   * seed that always gives the same image, measure once (`sjd calibrate`, or
   * `model.costProfile` after this) and pass `costProfile`. Default false.
   */
  readonly calibrate?: boolean;
  /** Step costs measured before, for the automatic window (see `calibrate`). */
  readonly costProfile?: readonly CostPoint[];
  /**
   * Concurrent generations on this model have their forward passes merged into one
   * onnxruntime call of at most this many rows (1 per session, 2 with CFG); an integer
   * ≥ 1, 1 turns batching off. Bounds a call's memory. Default 1 (off): with the shipped
   * model's SJD it measured no faster on a 2-core CPU; 8 doubles AR throughput at 16
   * concurrent (docs/architecture.md, "Batching").
   */
  readonly maxBatchRows?: number;
}

/** {@link LoadModelOptions} checked, defaults filled in: what a family's `load` receives. */
export interface NodeLoadSettings {
  readonly executionProvider: ExecutionProvider;
  readonly cacheStrategy: CacheStrategy;
  readonly threads: number | undefined;
  readonly maxBatchRows: number | undefined;
  readonly costProfile: readonly CostPoint[] | undefined;
  /** `undefined`: the folder's own choice. The family checks it and names the allowed values. */
  readonly dtype: DtypeOption | undefined;
}

/** A model loaded on onnxruntime-node, of any family. */
export interface NodeImageModel extends ImageModel {
  readonly executionProvider: ExecutionProvider;
  /** The model folder (absolute path). */
  readonly modelDir: string;
  /** Optional: times forward passes by block length for `window: 'auto'` (see `LoadModelOptions.calibrate`). */
  calibrate?(): Promise<void>;
  /** Optional, with `calibrate`: whether step costs were measured or given. */
  readonly calibrated?: boolean;
  /** Optional: the measured or given step costs, to save and pass back as `costProfile`. */
  readonly costProfile?: readonly CostPoint[];
}

/** A model family as onnxruntime-node loads it. */
export type NodeModelFamily = ModelFamily<NodeLoadSettings, NodeImageModel>;

/** Loads `folder` with `family` and calibrates when asked (releasing the model if that fails). */
export async function loadWith<M extends NodeImageModel>(
  family: ModelFamily<NodeLoadSettings, M>,
  folder: ModelFolderReader,
  settings: NodeLoadSettings,
  calibrate: boolean,
): Promise<M> {
  return calibrateLoadedModel(await family.load(folder, settings), family.id, calibrate);
}

/** Validates every option before anything is read, naming the bad field and what is allowed. */
export function checkNodeLoadOptions(options: LoadModelOptions): NodeLoadSettings {
  if (typeof options?.modelDir !== 'string' || options.modelDir === '') {
    throw new InvalidArgumentError({
      field: 'modelDir',
      allowed: 'the path of a model folder (the shipped model: shippedModelDir from @sjd/shapes)',
      received: options?.modelDir,
    });
  }
  const executionProvider = options.executionProvider ?? 'cpu';
  if (!EXECUTION_PROVIDERS.includes(executionProvider)) {
    throw new InvalidArgumentError({
      field: 'executionProvider',
      allowed: EXECUTION_PROVIDERS.join(' | '),
      received: executionProvider,
    });
  }
  const cacheStrategy = checkLoadOptions(options);
  if (options.costProfile !== undefined) checkCostPoints(options.costProfile);
  const dtype = checkDtypeOption(options.dtype);
  return {
    executionProvider,
    cacheStrategy,
    threads: options.threads,
    maxBatchRows: options.maxBatchRows,
    costProfile: options.costProfile,
    dtype,
  };
}
