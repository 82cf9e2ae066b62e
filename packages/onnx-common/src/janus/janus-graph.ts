import type { InferenceSession } from 'onnxruntime-common';
import { ModelLoadError } from '../model-load-error.js';
import type { JanusConfig } from './janus-config.js';
import { JANUS_SUB_MODELS, type JanusSubModel } from './janus-dtype.js';

/** The six inference sessions of a Janus folder, with the file each came from. */
export type JanusSessions = Record<
  JanusSubModel,
  { readonly session: InferenceSession; readonly path: string }
>;

/** IO names and sizes read from the sessions (exports may name things differently). */
export interface JanusGraph {
  /** The embeddings the language model takes (`inputs_embeds`), made by both embedders. */
  readonly embeds: string;
  /** The language model's hidden-state output, the generation head's input. */
  readonly hidden: string;
  /** The generation head's output (image-code logits). */
  readonly logits: string;
  /** gen_img_embeds' input (`image_ids`). */
  readonly imageIds: string;
  /** image_decode's input and output (`generated_tokens` → `decoded_image`). */
  readonly decodeInput: string;
  readonly decodeOutput: string;
  /** Whether the language model takes `position_ids`. */
  readonly positionIds: boolean;
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Element type of the KV cache and of the embeddings the language model takes. */
  readonly kvType: 'float32' | 'float16';
  readonly embedsType: 'float32' | 'float16';
  /** Element type the generation head takes (may differ from the language model's output). */
  readonly headInputType: 'float32' | 'float16';
}

function mismatch(path: string, message: string): ModelLoadError {
  return new ModelLoadError({ problem: 'graph-mismatch', path, message });
}

function meta(
  list: readonly InferenceSession.ValueMetadata[],
  name: string,
): InferenceSession.TensorValueMetadata | undefined {
  const m = list.find((v) => v.name === name);
  return m?.isTensor ? m : undefined;
}

function floatType(type: string | undefined, path: string, what: string): 'float32' | 'float16' {
  if (type === 'float32' || type === 'float16' || type === undefined) return type ?? 'float32';
  throw new ModelLoadError({
    problem: 'unsupported',
    path,
    message: `${what} is ${type}; float32 and float16 are supported`,
  });
}

/**
 * Checks the six sessions against each other and the folder's config, as transformers.js'
 * MultiModalityCausalLM wires them: the embedders' output is the language model's embeddings
 * input, the language model's one non-cache output is the heads' input. Throws a
 * `ModelLoadError` (`graph-mismatch`, or `unsupported`) naming the file at fault.
 */
export function checkJanusGraph(sessions: JanusSessions, config: JanusConfig): JanusGraph {
  const lm = sessions.language_model;
  const { inputNames, outputNames } = lm.session;
  const layers = inputNames.filter((n) => /^past_key_values\.\d+\.key$/.test(n)).length;
  if (layers !== config.layers) {
    throw mismatch(
      lm.path,
      `expected past_key_values.{0…${config.layers - 1}}.key|value inputs (config.json language_config.num_hidden_layers = ${config.layers}), found inputs ${inputNames.join(', ')}`,
    );
  }
  for (let l = 0; l < layers; l++) {
    for (const kind of ['key', 'value']) {
      if (!inputNames.includes(`past_key_values.${l}.${kind}`))
        throw mismatch(lm.path, `missing input past_key_values.${l}.${kind}`);
      if (!outputNames.includes(`present.${l}.${kind}`))
        throw mismatch(lm.path, `missing output present.${l}.${kind}`);
    }
  }
  if (!inputNames.includes('attention_mask'))
    throw mismatch(lm.path, `missing input attention_mask, found ${inputNames.join(', ')}`);
  const embedsInputs = inputNames.filter(
    (n) => n !== 'attention_mask' && n !== 'position_ids' && !n.startsWith('past_key_values.'),
  );
  if (embedsInputs.length !== 1) {
    throw mismatch(
      lm.path,
      `expected one embeddings input (inputs_embeds) besides attention_mask, position_ids and the cache, found ${embedsInputs.join(', ') || 'none'}`,
    );
  }
  const embeds = embedsInputs[0]!;
  // As transformers.js wires them: the heads take the language model output of their
  // input's name (an export may name it otherwise, or have more outputs).
  const head = sessions.gen_head;
  const hidden = head.session.inputNames.length === 1 ? head.session.inputNames[0]! : undefined;
  if (hidden === undefined || !outputNames.includes(hidden)) {
    throw mismatch(
      head.path,
      `expected one input named as a hidden-state output of ${lm.path} (${outputNames.filter((n) => !n.startsWith('present.')).join(', ') || 'none'}), found ${head.session.inputNames.join(', ')}`,
    );
  }
  for (const name of ['prepare_inputs_embeds', 'gen_img_embeds'] as const) {
    const { session, path } = sessions[name];
    if (!session.outputNames.includes(embeds)) {
      throw mismatch(
        path,
        `expected output "${embeds}" (the input ${lm.path} takes), found ${session.outputNames.join(', ')}`,
      );
    }
  }
  const prepare = sessions.prepare_inputs_embeds;
  if (!prepare.session.inputNames.includes('input_ids')) {
    throw mismatch(
      prepare.path,
      `expected input input_ids, found ${prepare.session.inputNames.join(', ')}`,
    );
  }
  const lmHead = sessions.lm_head;
  if (lmHead.session.inputNames.length !== 1 || lmHead.session.inputNames[0] !== hidden) {
    throw mismatch(
      lmHead.path,
      `expected one input "${hidden}" (the hidden-state output of ${lm.path}), found ${lmHead.session.inputNames.join(', ')}`,
    );
  }
  const logits = head.session.outputNames[0]!;
  const logitsShape = meta(head.session.outputMetadata, logits)?.shape;
  const codes = logitsShape?.at(-1);
  if (typeof codes === 'number' && codes !== config.imageCodes) {
    throw mismatch(
      head.path,
      `scores ${codes} image codes, config.json gen_head_config.params.image_token_size says ${config.imageCodes}`,
    );
  }
  const imageEmbed = sessions.gen_img_embeds;
  if (imageEmbed.session.inputNames.length !== 1) {
    throw mismatch(
      imageEmbed.path,
      `expected one input (image_ids), found ${imageEmbed.session.inputNames.join(', ')}`,
    );
  }
  const decode = sessions.image_decode;
  if (decode.session.inputNames.length !== 1 || decode.session.outputNames.length !== 1) {
    throw mismatch(
      decode.path,
      `expected one input (generated_tokens) and one output (decoded_image), found inputs ${decode.session.inputNames.join(', ')} and outputs ${decode.session.outputNames.join(', ')}`,
    );
  }
  const past = meta(lm.session.inputMetadata, 'past_key_values.0.key');
  const [, kvHeadsMeta, , headDimMeta] = past?.shape ?? [];
  const kvHeads = typeof kvHeadsMeta === 'number' ? kvHeadsMeta : config.kvHeads;
  const headDim = typeof headDimMeta === 'number' ? headDimMeta : config.hiddenSize / config.heads;
  if (!Number.isInteger(headDim)) {
    throw mismatch(lm.path, 'cannot tell the head size: the cache inputs have no static shape');
  }
  const kvType = floatType(past?.type, lm.path, 'the KV cache');
  const presentType = meta(lm.session.outputMetadata, 'present.0.key')?.type;
  if (presentType !== undefined && presentType !== kvType) {
    throw new ModelLoadError({
      problem: 'unsupported',
      path: lm.path,
      message: `the cache goes in as ${kvType} (past_key_values.*) but comes out as ${presentType} (present.*)`,
    });
  }
  return {
    embeds,
    hidden,
    logits,
    imageIds: imageEmbed.session.inputNames[0]!,
    decodeInput: decode.session.inputNames[0]!,
    decodeOutput: decode.session.outputNames[0]!,
    positionIds: inputNames.includes('position_ids'),
    layers,
    kvHeads,
    headDim,
    kvType,
    embedsType: floatType(meta(lm.session.inputMetadata, embeds)?.type, lm.path, embeds),
    headInputType: floatType(meta(head.session.inputMetadata, hidden)?.type, head.path, hidden),
  };
}

/** Releases every session (after a failed load, or when done). */
export async function releaseJanusSessions(sessions: Partial<JanusSessions>): Promise<void> {
  for (const name of JANUS_SUB_MODELS) await sessions[name]?.session.release();
}
