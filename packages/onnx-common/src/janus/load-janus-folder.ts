import type { CacheStrategy, CostPoint } from '@sjd/core';
import type { InferenceSession } from 'onnxruntime-common';
import type { OnnxRuntime } from '../onnx-runtime.js';
import { type JanusFile, readJanusConfig } from './janus-config.js';
import {
  JANUS_SUB_MODELS,
  type JanusDtype,
  type JanusDtypeOption,
  type JanusSubModel,
  janusOnnxFile,
  resolveJanusDtypes,
} from './janus-dtype.js';
import { type JanusSessions, releaseJanusSessions } from './janus-graph.js';
import { JanusImageModel } from './janus-image-model.js';

/**
 * How a backend reaches the files of a Janus folder (a directory in Node, a URL prefix in
 * the browser). Every method throws the backend's `ModelLoadError` naming the file.
 */
export interface JanusFolderReader {
  /** The path or URL of a file of the folder (`config.json`, `onnx/gen_head.onnx` …). */
  pathOf(file: string): string;
  /**
   * The parsed JSON file; `undefined` when it is absent and not `required`. A missing
   * required file is a `missing-file` error, invalid JSON a `bad-manifest` one.
   */
  readJson(file: string, required: boolean): Promise<unknown>;
  /**
   * An inference session on an ONNX file of the folder; a missing file is a
   * `missing-file` error whose message may add `hint`.
   */
  createSession(file: string, hint: string): Promise<InferenceSession>;
}

/** Options of {@link loadJanusFolder}. */
export interface JanusFolderOptions {
  /** Per sub-model weights, as transformers.js' `dtype` (default: the folder's). */
  readonly dtype?: JanusDtypeOption;
  /** How rejected drafts leave the KV cache. Default `trim`. */
  readonly cacheStrategy?: CacheStrategy;
  /** For logs, e.g. `onnxruntime-web/webgpu`. */
  readonly providerId: string;
  /** Step costs measured before, for `relativeCost`. */
  readonly costProfile?: readonly CostPoint[];
}

const JSON_FILES: readonly (readonly [JanusFile, boolean])[] = [
  ['config.json', true],
  ['generation_config.json', false],
  ['processor_config.json', true],
  ['tokenizer.json', true],
  ['tokenizer_config.json', true],
];

/**
 * Loads a Janus folder in the transformers.js layout through a backend's reader: the JSON
 * files first (config faults are reported before any ONNX file is opened), then the six
 * sessions in the chosen dtypes, released again if anything fails. The one loading path
 * both onnxruntime backends share.
 */
export async function loadJanusFolder(
  runtime: OnnxRuntime,
  reader: JanusFolderReader,
  options: JanusFolderOptions,
): Promise<JanusImageModel> {
  const json: Partial<Record<JanusFile, unknown>> = {};
  const paths = {} as Record<JanusFile, string>;
  for (const [file, required] of JSON_FILES) {
    paths[file] = reader.pathOf(file);
    json[file] = await reader.readJson(file, required);
  }
  const files = {
    config: json['config.json'],
    generationConfig: json['generation_config.json'],
    processorConfig: json['processor_config.json'],
    tokenizer: json['tokenizer.json'],
    tokenizerConfig: json['tokenizer_config.json'],
    paths,
  };
  const config = readJanusConfig(files);
  const dtypes: Record<JanusSubModel, JanusDtype> = resolveJanusDtypes(options.dtype, config.dtype);
  const sessions: Partial<JanusSessions> = {};
  try {
    for (const name of JANUS_SUB_MODELS) {
      const file = janusOnnxFile(name, dtypes[name]);
      const hint = `the ${name} sub-model in dtype ${dtypes[name]} (choose another with the dtype option)`;
      sessions[name] = {
        session: await reader.createSession(file, hint),
        path: reader.pathOf(file),
      };
    }
    return JanusImageModel.create(runtime, sessions as JanusSessions, files, {
      ...(options.cacheStrategy ? { cacheStrategy: options.cacheStrategy } : {}),
      ...(options.costProfile ? { costProfile: options.costProfile } : {}),
      providerId: options.providerId,
    });
  } catch (error) {
    await releaseJanusSessions(sessions);
    throw error;
  }
}
