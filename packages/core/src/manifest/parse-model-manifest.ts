import { ManifestError } from './manifest-error.js';
import type { ModelManifest } from './model-manifest.js';

/**
 * Checks a parsed `manifest.json` against format `sjd-model` version 1 and returns it
 * typed. Every problem names the field: `ManifestError.field`.
 */
export function parseModelManifest(json: unknown, source: string): ModelManifest {
  const at = (field: string, message: string): never => {
    throw new ManifestError({ field, source, message });
  };
  const object = (value: unknown, field: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : at(field, 'expected an object');
  const integer = (value: unknown, field: string, min = 0): number =>
    Number.isInteger(value) && (value as number) >= min
      ? (value as number)
      : at(field, `expected an integer ≥ ${min}`);
  const string = (value: unknown, field: string): string =>
    typeof value === 'string' && value.length > 0
      ? value
      : at(field, 'expected a non-empty string');
  const number = (value: unknown, field: string): number =>
    typeof value === 'number' && Number.isFinite(value)
      ? value
      : at(field, 'expected a finite number');
  const strings = (value: unknown, field: string): string[] =>
    Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? (value as string[])
      : at(field, 'expected an array of strings');

  const root = object(json, 'manifest');
  if (root['format'] !== 'sjd-model')
    at('format', `expected "sjd-model", found ${JSON.stringify(root['format'])}`);
  if (root['formatVersion'] !== 1)
    at(
      'formatVersion',
      `this version of @sjd/core reads version 1, found ${JSON.stringify(root['formatVersion'])}`,
    );
  const files = object(root['files'], 'files');
  string(files['decoder'], 'files.decoder');
  string(files['imageDecoder'], 'files.imageDecoder');

  const decoder = object(root['decoder'], 'decoder');
  const numLayers = integer(decoder['numLayers'], 'decoder.numLayers', 1);
  integer(decoder['numAttentionHeads'], 'decoder.numAttentionHeads', 1);
  integer(decoder['numKeyValueHeads'], 'decoder.numKeyValueHeads', 1);
  integer(decoder['headDim'], 'decoder.headDim', 1);
  const dtype = decoder['dtype'];
  if (dtype !== 'float32' && dtype !== 'float16')
    at('decoder.dtype', 'expected "float32" or "float16"');
  const inputs = strings(decoder['inputs'], 'decoder.inputs');
  const outputs = strings(decoder['outputs'], 'decoder.outputs');
  for (const name of ['input_ids', 'attention_mask', 'position_ids']) {
    if (!inputs.includes(name)) at('decoder.inputs', `missing "${name}"`);
  }
  if (!outputs.includes('logits')) at('decoder.outputs', 'missing "logits"');
  for (let i = 0; i < numLayers; i++) {
    for (const kind of ['key', 'value']) {
      if (!inputs.includes(`past_key_values.${i}.${kind}`))
        at('decoder.inputs', `missing "past_key_values.${i}.${kind}"`);
      if (!outputs.includes(`present.${i}.${kind}`))
        at('decoder.outputs', `missing "present.${i}.${kind}"`);
    }
  }

  const vocabulary = object(root['vocabulary'], 'vocabulary');
  const size = integer(vocabulary['size'], 'vocabulary.size', 1);
  const special = object(vocabulary['special'], 'vocabulary.special');
  for (const key of ['pad', 'bos', 'boi', 'eoi']) {
    const id = integer(special[key], `vocabulary.special.${key}`);
    if (id >= size) at(`vocabulary.special.${key}`, `id ${id} outside the vocabulary of ${size}`);
  }
  for (const key of ['text', 'image']) {
    const range = object(vocabulary[key], `vocabulary.${key}`);
    const start = integer(range['start'], `vocabulary.${key}.start`);
    const count = integer(range['count'], `vocabulary.${key}.count`, 1);
    if (start + count > size)
      at(
        `vocabulary.${key}`,
        `range ${start}…${start + count - 1} exceeds the vocabulary of ${size}`,
      );
  }

  const tokenizer = object(root['textTokenizer'], 'textTokenizer');
  if (tokenizer['type'] !== 'word-level') at('textTokenizer.type', 'expected "word-level"');
  const words = strings(tokenizer['words'], 'textTokenizer.words');
  if (words.length !== (vocabulary['text'] as { count: number }).count) {
    at(
      'textTokenizer.words',
      `has ${words.length} words but vocabulary.text.count is ${(vocabulary['text'] as { count: number }).count}`,
    );
  }

  const prompt = object(root['prompt'], 'prompt');
  const template = strings(prompt['template'], 'prompt.template');
  if (
    template.some((t) => !['bos', 'caption', 'boi'].includes(t)) ||
    !template.includes('caption')
  ) {
    at('prompt.template', 'expected a list of "bos", "caption", "boi" that includes "caption"');
  }
  integer(prompt['captionLength'], 'prompt.captionLength', 1);
  if (prompt['unconditional'] !== 'pad-caption')
    at('prompt.unconditional', 'expected "pad-caption"');

  const image = object(root['image'], 'image');
  integer(image['gridWidth'], 'image.gridWidth', 1);
  integer(image['gridHeight'], 'image.gridHeight', 1);
  if (image['endOfRowToken'] !== null) integer(image['endOfRowToken'], 'image.endOfRowToken');
  integer(image['pixelWidth'], 'image.pixelWidth', 1);
  integer(image['pixelHeight'], 'image.pixelHeight', 1);
  const imageDecoder = object(image['imageDecoder'], 'image.imageDecoder');
  string(imageDecoder['input'], 'image.imageDecoder.input');
  string(imageDecoder['output'], 'image.imageDecoder.output');

  const sampling = object(root['sampling'], 'sampling');
  for (const key of ['temperature', 'topK', 'topP', 'cfgScale'])
    number(sampling[key], `sampling.${key}`);
  return root as unknown as ModelManifest;
}
