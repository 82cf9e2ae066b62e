import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CacheStrategy, CostPoint } from '@sjd/core';
import {
  checkLoadOptions,
  type JanusDtypeOption,
  type JanusFolderReader,
  type JanusImageModel,
  janusJsonReader,
  loadJanusFolder,
  ModelLoadError,
} from '@sjd/onnx-common';
import * as ort from 'onnxruntime-node';
import { createInferenceSession, type ExecutionProvider } from '../create-inference-session.js';
import { nodeModelFolder } from '../node-model-folder.js';

/** Options of {@link loadJanusModel}. */
export interface JanusLoadOptions {
  /**
   * Weights per sub-model, as transformers.js' `dtype` option: one for all (`'fp32'`,
   * `'fp16'`, `'q4'`, `'q4f16'`, `'q8'` …) or an object per sub-model. Default: the folder's
   * `config.json` `"transformers.js_config".dtype`, else fp32.
   */
  readonly dtype?: JanusDtypeOption;
  /** Default `cpu`. */
  readonly executionProvider?: ExecutionProvider;
  /** How rejected drafts leave the KV cache. Default `trim`. */
  readonly cacheStrategy?: CacheStrategy;
  /** onnxruntime threads per session; an integer ≥ 1. */
  readonly threads?: number;
  /** Step costs measured before (`model.calibrate()`, `model.costProfile`), for `window: 'auto'`. */
  readonly costProfile?: readonly CostPoint[];
}

/** A Janus folder on disk, as `loadJanusFolder` reads it. */
async function diskReader(
  folder: string,
  executionProvider: ExecutionProvider,
  threads: number | undefined,
): Promise<JanusFolderReader> {
  const { pathOf, readJson } = janusJsonReader(await nodeModelFolder(folder));
  return {
    pathOf,
    readJson,
    async createSession(file, hint) {
      try {
        await stat(pathOf(file));
      } catch (cause) {
        throw new ModelLoadError({
          problem: 'missing-file',
          path: pathOf(file),
          message: `file not found: ${hint}`,
          cause,
        });
      }
      return createInferenceSession(pathOf(file), executionProvider, threads);
    },
  };
}

/**
 * Whether a folder holds a Janus model in the transformers.js layout: its config.json says
 * `"model_type": "multi_modality"`. Reads only config.json; false when it is missing or
 * unreadable.
 */
export async function isJanusFolder(folder: string): Promise<boolean> {
  try {
    const config = JSON.parse(await readFile(path.join(folder, 'config.json'), 'utf8'));
    return config?.model_type === 'multi_modality';
  } catch {
    return false;
  }
}

/**
 * Loads a Janus / Janus-Pro folder as transformers.js ships it (e.g. a downloaded
 * `onnx-community/Janus-Pro-1B-ONNX`): config.json, generation_config.json,
 * processor_config.json, tokenizer.json, tokenizer_config.json and
 * `onnx/{prepare_inputs_embeds, language_model, lm_head, gen_head, gen_img_embeds,
 * image_decode}<dtype suffix>.onnx`, on onnxruntime-node. Any fault becomes a
 * `ModelLoadError` naming the file; a bad option an `InvalidArgumentError`.
 */
export async function loadJanusModel(
  folder: string,
  options: JanusLoadOptions = {},
): Promise<JanusImageModel> {
  const cacheStrategy = checkLoadOptions(options);
  const executionProvider = options.executionProvider ?? 'cpu';
  return loadJanusFolder(ort, await diskReader(folder, executionProvider, options.threads), {
    ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
    ...(options.costProfile === undefined ? {} : { costProfile: options.costProfile }),
    cacheStrategy,
    providerId: `onnxruntime-node/${executionProvider}`,
  });
}
