import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from './manifest.schema.json' with { type: 'json' };
import { ManifestError } from './manifest-error.js';
import type { ModelManifest } from './model-manifest.js';

/** The JSON Schema of format `sjd-model` version 1 (draft 2020-12): the one copy there is. */
export const MODEL_MANIFEST_SCHEMA: Readonly<Record<string, unknown>> = schema;

let compiled: ValidateFunction | undefined;

/** The schema compiled once, on first use (ajv generates the checking code). */
function validator(): ValidateFunction {
  compiled ??= new Ajv2020({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    verbose: true,
  }).compile(schema);
  return compiled;
}

/**
 * Checks a parsed `manifest.json` against format `sjd-model` version 1 — its JSON Schema
 * ({@link MODEL_MANIFEST_SCHEMA}, checked by ajv), then what a schema cannot say (the
 * decoder's past/present names for every layer, ids and ranges inside the vocabulary, one
 * word per text token) — and returns it typed. The first problem throws a
 * `ManifestError` naming the field (`decoder.inputs`, `image.imageDecoder.range[1]`) and
 * what is allowed.
 */
export function parseModelManifest(json: unknown, source: string): ModelManifest {
  const validate = validator();
  if (!validate(json)) throw schemaError(firstError(validate.errors ?? []), json, source);
  const manifest = json as ModelManifest;
  checkCrossFields(manifest, source);
  return manifest;
}

/**
 * The error to report: one about `format` or `formatVersion` first (a folder of another
 * format fails everywhere; saying so is what helps), else the first in schema order.
 */
function firstError(all: readonly ErrorObject[]): ErrorObject | undefined {
  // `contains` reports every item that does not match before itself: only itself says why.
  const errors = all.filter((e) => !/\/contains\/./.test(e.schemaPath));
  const about = (e: ErrorObject) =>
    e.keyword === 'required' && e.instancePath === ''
      ? `/${String((e.params as { missingProperty?: unknown }).missingProperty)}`
      : e.instancePath;
  return (
    errors.find((e) => about(e) === '/format') ??
    errors.find((e) => about(e) === '/formatVersion') ??
    errors[0]
  );
}

/** The field path of a JSON pointer: `/image/imageDecoder/range/1` → `image.imageDecoder.range[1]`. */
export function fieldOfPointer(pointer: string): string {
  if (pointer === '') return 'manifest';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part),
      '',
    );
}

function schemaError(error: ErrorObject | undefined, json: unknown, source: string): ManifestError {
  if (!error)
    return new ManifestError({
      field: 'manifest',
      source,
      message: 'does not match the schema',
      allowed: 'a manifest of format sjd-model',
    });
  let pointer = error.instancePath;
  let allowed: string;
  let found: unknown = valueAt(json, pointer);
  const params = error.params as Record<string, unknown>;
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  switch (error.keyword) {
    case 'required':
      pointer = `${pointer}/${String(params['missingProperty'])}`;
      allowed = describeSchema(
        ((parent?.['properties'] as Record<string, unknown> | undefined)?.[
          String(params['missingProperty'])
        ] ?? {}) as Record<string, unknown>,
      );
      found = undefined;
      break;
    case 'additionalProperties':
      pointer = `${pointer}/${String(params['additionalProperty'])}`;
      allowed = `no such field (allowed: ${Object.keys((parent?.['properties'] as object | undefined) ?? {}).join(', ')})`;
      found = valueAt(json, pointer);
      break;
    case 'contains':
      allowed = `an array containing ${describeSchema((error.schema ?? {}) as Record<string, unknown>)}`;
      break;
    default:
      allowed = describeSchema(parent ?? {});
  }
  const message =
    error.keyword === 'required'
      ? `missing; expected ${allowed}`
      : pointer === '/formatVersion'
        ? `this version of @sjd/core reads version ${allowed}, found ${show(found)}`
        : `expected ${allowed}, found ${show(found)}`;
  return new ManifestError({
    field: fieldOfPointer(pointer),
    source,
    message,
    allowed,
    cause: error,
  });
}

/** What a (sub)schema allows, in words: `an integer ≥ 1`, `one of "float32", "float16"`. */
function describeSchema(s: Record<string, unknown>, plural = false): string {
  if ('const' in s) return JSON.stringify(s['const']);
  if (Array.isArray(s['enum'])) {
    const values = s['enum'].map((v) => JSON.stringify(v));
    return values.length === 1 ? values[0]! : `${plural ? 'each ' : ''}one of ${values.join(', ')}`;
  }
  const types = ([] as unknown[]).concat(s['type'] ?? []) as string[];
  const bounds: string[] = [];
  if (typeof s['minimum'] === 'number') bounds.push(`≥ ${s['minimum']}`);
  if (typeof s['exclusiveMinimum'] === 'number') bounds.push(`> ${s['exclusiveMinimum']}`);
  if (typeof s['maximum'] === 'number') bounds.push(`≤ ${s['maximum']}`);
  const nonEmpty = typeof s['minLength'] === 'number' && s['minLength'] > 0 ? 'non-empty ' : '';
  const nouns: Record<string, [string, string]> = {
    integer: ['an integer', 'integers'],
    number: ['a finite number', 'finite numbers'],
    string: [`a ${nonEmpty}string`, `${nonEmpty}strings`],
    boolean: ['true or false', 'booleans'],
    null: ['null', 'nulls'],
    object: ['an object', 'objects'],
  };
  const noun = (type: string): string => {
    if (type !== 'array') return nouns[type]?.[plural ? 1 : 0] ?? type;
    const items = s['items'] as Record<string, unknown> | undefined;
    const count =
      s['minItems'] !== undefined && s['minItems'] === s['maxItems'] ? `${s['minItems']} ` : '';
    const what = items ? describeSchema(items, true) : 'items';
    const unique = s['uniqueItems'] ? ' (no repeats)' : '';
    return `${plural ? 'arrays' : 'an array'} of ${count}${what}${unique}`;
  };
  if (types.length === 0) return 'a value the schema allows';
  const described = types.map(noun).join(' or ');
  return bounds.length > 0 ? `${described} ${bounds.join(', ')}` : described;
}

function valueAt(json: unknown, pointer: string): unknown {
  if (pointer === '') return json;
  let value = json;
  for (const part of pointer.slice(1).split('/')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** What JSON Schema cannot express: relations between fields. */
function checkCrossFields(manifest: ModelManifest, source: string): void {
  const at = (field: string, allowed: string, message: string): never => {
    throw new ManifestError({ field, source, message, allowed });
  };
  const { decoder, vocabulary, textTokenizer } = manifest;
  for (let i = 0; i < decoder.numLayers; i++) {
    for (const kind of ['key', 'value']) {
      if (!decoder.inputs.includes(`past_key_values.${i}.${kind}`))
        at(
          'decoder.inputs',
          `past_key_values.{0…${decoder.numLayers - 1}}.{key,value} (decoder.numLayers = ${decoder.numLayers})`,
          `missing "past_key_values.${i}.${kind}" (decoder.numLayers is ${decoder.numLayers})`,
        );
      if (!decoder.outputs.includes(`present.${i}.${kind}`))
        at(
          'decoder.outputs',
          `present.{0…${decoder.numLayers - 1}}.{key,value} (decoder.numLayers = ${decoder.numLayers})`,
          `missing "present.${i}.${kind}" (decoder.numLayers is ${decoder.numLayers})`,
        );
    }
  }
  const size = vocabulary.size;
  for (const key of ['pad', 'bos', 'boi', 'eoi'] as const) {
    const id = vocabulary.special[key];
    if (id >= size)
      at(
        `vocabulary.special.${key}`,
        `an id below vocabulary.size (${size})`,
        `id ${id} outside the vocabulary of ${size}`,
      );
  }
  for (const key of ['text', 'image'] as const) {
    const { start, count } = vocabulary[key];
    if (start + count > size)
      at(
        `vocabulary.${key}`,
        `a range inside the vocabulary of ${size}`,
        `range ${start}…${start + count - 1} exceeds the vocabulary of ${size}`,
      );
  }
  if (textTokenizer.words.length !== vocabulary.text.count)
    at(
      'textTokenizer.words',
      `vocabulary.text.count (${vocabulary.text.count}) words`,
      `has ${textTokenizer.words.length} words but vocabulary.text.count is ${vocabulary.text.count}`,
    );
}
