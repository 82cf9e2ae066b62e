import { ModelLoadError } from '../model-load-error.js';

/** The JSON files of a Janus folder, parsed, with the names (paths or URLs) used in errors. */
export interface JanusFolderFiles {
  readonly config: unknown;
  readonly generationConfig?: unknown;
  readonly processorConfig: unknown;
  readonly tokenizer: unknown;
  readonly tokenizerConfig: unknown;
  /** File name → path or URL, for error messages; defaults to the bare file names. */
  readonly paths?: Partial<Record<JanusFile, string>>;
}

/** The JSON files a Janus loader reads. */
export type JanusFile =
  | 'config.json'
  | 'generation_config.json'
  | 'processor_config.json'
  | 'tokenizer.json'
  | 'tokenizer_config.json';

/** What the folder's JSON files say, checked. */
export interface JanusConfig {
  /** Image codes the generation head scores (`gen_head_config.params.image_token_size`). */
  readonly imageCodes: number;
  /** Image tokens per image (`processor_config.json` `num_image_tokens`), a square. */
  readonly imageTokens: number;
  /** Size of the text vocabulary (`language_config.vocab_size`). */
  readonly textVocabSize: number;
  /** Decoder layers, attention heads, hidden size, from `language_config`. */
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly hiddenSize: number;
  /** Pad id (the unconditional prompt's filler, and the left padding). */
  readonly padToken: number;
  /** The default CFG scale of `generation_config.json`, if any. */
  readonly guidanceScale: number | undefined;
  /** `"transformers.js_config".dtype`, unchecked (see `resolveJanusDtypes`). */
  readonly dtype: unknown;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(path: string, message: string): ModelLoadError {
  return new ModelLoadError({ problem: 'bad-manifest', path, message });
}

function positiveInt(value: unknown, path: string, field: string): number {
  if (!(Number.isInteger(value) && (value as number) > 0)) {
    throw bad(path, `${field} must be a positive integer, found ${JSON.stringify(value)}`);
  }
  return value as number;
}

/**
 * Reads the sizes and ids a Janus provider needs from the folder's JSON files, throwing a
 * `ModelLoadError` that names the file and the field when one is missing or wrong.
 * Nothing is assumed from the 1B model: codes, image tokens, layers and ids come from here
 * (and are checked against the ONNX sessions' metadata where those state them).
 */
export function readJanusConfig(files: JanusFolderFiles): JanusConfig {
  const path = (file: JanusFile) => files.paths?.[file] ?? file;
  const config = files.config;
  if (!isObject(config)) throw bad(path('config.json'), 'expected a JSON object');
  if (config['model_type'] !== 'multi_modality') {
    throw bad(
      path('config.json'),
      `model_type must be "multi_modality" for a Janus folder, found ${JSON.stringify(config['model_type'])}`,
    );
  }
  const language = config['language_config'];
  if (!isObject(language)) throw bad(path('config.json'), 'language_config must be an object');
  const genHead = config['gen_head_config'];
  const params = isObject(genHead) ? genHead['params'] : undefined;
  if (!isObject(params)) {
    throw bad(path('config.json'), 'gen_head_config.params must be an object');
  }
  const imageCodes = positiveInt(
    params['image_token_size'],
    path('config.json'),
    'gen_head_config.params.image_token_size',
  );
  const heads = positiveInt(
    language['num_attention_heads'],
    path('config.json'),
    'language_config.num_attention_heads',
  );
  const hiddenSize = positiveInt(
    language['hidden_size'],
    path('config.json'),
    'language_config.hidden_size',
  );
  const processor = files.processorConfig;
  if (!isObject(processor)) throw bad(path('processor_config.json'), 'expected a JSON object');
  const imageTokens = positiveInt(
    processor['num_image_tokens'],
    path('processor_config.json'),
    'num_image_tokens',
  );
  if (!Number.isInteger(Math.sqrt(imageTokens))) {
    throw bad(
      path('processor_config.json'),
      `num_image_tokens must be a square (a square grid of image tokens), found ${imageTokens}`,
    );
  }
  const generation = isObject(files.generationConfig) ? files.generationConfig : {};
  const tokenizer = files.tokenizer;
  if (!isObject(tokenizer) || !isObject(tokenizer['model'])) {
    throw bad(path('tokenizer.json'), 'expected a tokenizer.json object with a "model"');
  }
  let padToken = generation['pad_token_id'];
  if (padToken === undefined) {
    const tag = processor['pad_tag'];
    const added = Array.isArray(tokenizer['added_tokens']) ? tokenizer['added_tokens'] : [];
    padToken = (added as Json[]).find((t) => t['content'] === tag)?.['id'];
  }
  if (!(Number.isInteger(padToken) && (padToken as number) >= 0)) {
    throw bad(
      path('generation_config.json'),
      'pad_token_id must be a token id (or processor_config.json pad_tag a token of tokenizer.json)',
    );
  }
  const guidance = generation['guidance_scale'];
  const jsConfig = config['transformers.js_config'];
  return {
    imageCodes,
    imageTokens,
    textVocabSize: positiveInt(
      language['vocab_size'],
      path('config.json'),
      'language_config.vocab_size',
    ),
    layers: positiveInt(
      language['num_hidden_layers'],
      path('config.json'),
      'language_config.num_hidden_layers',
    ),
    heads,
    kvHeads:
      language['num_key_value_heads'] === undefined
        ? heads
        : positiveInt(
            language['num_key_value_heads'],
            path('config.json'),
            'language_config.num_key_value_heads',
          ),
    hiddenSize,
    padToken: padToken as number,
    guidanceScale: typeof guidance === 'number' ? guidance : undefined,
    dtype: isObject(jsConfig) ? jsConfig['dtype'] : undefined,
  };
}
