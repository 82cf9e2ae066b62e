import { InvalidArgumentError } from '@sjd/core';

/** The six ONNX files of a Janus folder, by the names transformers.js gives its sessions. */
export const JANUS_SUB_MODELS = [
  'prepare_inputs_embeds',
  'language_model',
  'lm_head',
  'gen_head',
  'gen_img_embeds',
  'image_decode',
] as const;

/** One of {@link JANUS_SUB_MODELS}. */
export type JanusSubModel = (typeof JANUS_SUB_MODELS)[number];

/**
 * File-name suffix per dtype, as transformers.js spells them
 * (`DEFAULT_DTYPE_SUFFIX_MAPPING`, src/utils/dtypes.js): `onnx/<sub-model><suffix>.onnx`.
 */
export const JANUS_DTYPE_SUFFIXES = {
  fp32: '',
  fp16: '_fp16',
  int8: '_int8',
  uint8: '_uint8',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const;

/** A weight format transformers.js ships ({@link JANUS_DTYPE_SUFFIXES}). */
export type JanusDtype = keyof typeof JANUS_DTYPE_SUFFIXES;

/** One dtype for every sub-model, or one per sub-model (missing ones: the folder's default). */
export type JanusDtypeOption = JanusDtype | Partial<Record<JanusSubModel, JanusDtype>>;

function isDtype(value: unknown): value is JanusDtype {
  return typeof value === 'string' && Object.hasOwn(JANUS_DTYPE_SUFFIXES, value);
}

function check(value: unknown, field: string): JanusDtype | undefined {
  if (value === undefined || value === null || value === 'auto') return undefined;
  if (!isDtype(value)) {
    throw new InvalidArgumentError({
      field,
      allowed: Object.keys(JANUS_DTYPE_SUFFIXES).join(' | '),
      received: value,
    });
  }
  return value;
}

function pick(option: unknown, name: JanusSubModel, field: string): JanusDtype | undefined {
  if (option === undefined || option === null) return undefined;
  if (typeof option === 'string') return check(option, field);
  if (typeof option !== 'object') {
    throw new InvalidArgumentError({
      field,
      allowed: 'a dtype or an object of dtypes per sub-model',
      received: option,
    });
  }
  for (const key of Object.keys(option)) {
    if (!(JANUS_SUB_MODELS as readonly string[]).includes(key)) {
      throw new InvalidArgumentError({
        field: `${field}.${key}`,
        allowed: JANUS_SUB_MODELS.join(' | '),
        received: key,
      });
    }
  }
  return check((option as Record<string, unknown>)[name], `${field}.${name}`);
}

/**
 * The dtype of each sub-model, chosen as transformers.js chooses it: the `dtype` option
 * (one for all, or per sub-model), else the folder's `config.json`
 * `"transformers.js_config".dtype`, else fp32.
 */
export function resolveJanusDtypes(
  option: JanusDtypeOption | undefined,
  folderDefault: unknown,
): Record<JanusSubModel, JanusDtype> {
  const result = {} as Record<JanusSubModel, JanusDtype>;
  for (const name of JANUS_SUB_MODELS) {
    result[name] =
      pick(option, name, 'dtype') ??
      pick(folderDefault, name, 'config.json "transformers.js_config".dtype') ??
      'fp32';
  }
  return result;
}

/** `onnx/<sub-model><suffix>.onnx`, relative to the model folder. */
export function janusOnnxFile(name: JanusSubModel, dtype: JanusDtype): string {
  return `onnx/${name}${JANUS_DTYPE_SUFFIXES[dtype]}.onnx`;
}
