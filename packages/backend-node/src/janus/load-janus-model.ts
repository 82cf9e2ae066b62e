import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CacheStrategy } from '@sjd/core';
import {
  checkLoadOptions,
  JANUS_SUB_MODELS,
  type JanusDtype,
  type JanusDtypeOption,
  type JanusFile,
  JanusImageModel,
  type JanusSessions,
  type JanusSubModel,
  janusOnnxFile,
  ModelLoadError,
  readJanusConfig,
  releaseJanusSessions,
  resolveJanusDtypes,
} from '@sjd/onnx-common';
import * as ort from 'onnxruntime-node';
import { createInferenceSession, type ExecutionProvider } from '../create-inference-session.js';

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
}

async function readJson(file: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (!required && (cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelLoadError({
      problem: 'missing-file',
      path: file,
      message: 'file not found (a Janus folder as transformers.js loads it needs it)',
      cause,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ModelLoadError({
      problem: 'bad-manifest',
      path: file,
      message: `not valid JSON: ${(cause as Error).message}`,
      cause,
    });
  }
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
  const paths = {} as Record<JanusFile, string>;
  for (const file of [
    'config.json',
    'generation_config.json',
    'processor_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
  ] as const) {
    paths[file] = path.join(folder, file);
  }
  const config = await readJson(paths['config.json'], true);
  const files = {
    config,
    generationConfig: await readJson(paths['generation_config.json'], false),
    processorConfig: await readJson(paths['processor_config.json'], true),
    tokenizer: await readJson(paths['tokenizer.json'], true),
    tokenizerConfig: await readJson(paths['tokenizer_config.json'], true),
    paths,
  };
  const checked = readJanusConfig(files); // config faults before any ONNX file is opened
  const dtypes: Record<JanusSubModel, JanusDtype> = resolveJanusDtypes(
    options.dtype,
    checked.dtype,
  );
  const sessions: Partial<JanusSessions> = {};
  try {
    for (const name of JANUS_SUB_MODELS) {
      const file = path.join(folder, janusOnnxFile(name, dtypes[name]));
      try {
        await stat(file);
      } catch (cause) {
        throw new ModelLoadError({
          problem: 'missing-file',
          path: file,
          message: `file not found: the ${name} sub-model in dtype ${dtypes[name]} (choose another with the dtype option)`,
          cause,
        });
      }
      sessions[name] = {
        session: await createInferenceSession(file, executionProvider, options.threads),
        path: file,
      };
    }
    return JanusImageModel.create(ort, sessions as JanusSessions, files, {
      cacheStrategy,
      providerId: `onnxruntime-node/${executionProvider}`,
    });
  } catch (error) {
    await releaseJanusSessions(sessions);
    throw error;
  }
}
