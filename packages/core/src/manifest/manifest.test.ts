import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { encodePrompt, layoutFromManifest } from './encode-prompt.js';
import { ManifestError } from './manifest-error.js';
import { fieldOfPointer, parseModelManifest } from './parse-model-manifest.js';

const sampleManifest = () => ({
  format: 'sjd-model',
  formatVersion: 1,
  name: 'tiny',
  description: 'test',
  files: { decoder: 'decoder.onnx', imageDecoder: 'vq-decoder.onnx' },
  decoder: {
    architecture: 'llama',
    numLayers: 1,
    numAttentionHeads: 2,
    numKeyValueHeads: 2,
    headDim: 4,
    hiddenSize: 8,
    maxPositions: 64,
    dtype: 'float32',
    inputs: [
      'input_ids',
      'attention_mask',
      'position_ids',
      'past_key_values.0.key',
      'past_key_values.0.value',
    ],
    outputs: ['logits', 'present.0.key', 'present.0.value'],
  },
  vocabulary: {
    size: 12,
    special: { pad: 0, bos: 1, boi: 2, eoi: 3 },
    text: { start: 4, count: 3 },
    image: { start: 7, count: 5 },
  },
  textTokenizer: { type: 'word-level', lowercase: true, words: ['a', 'red', 'circle'] },
  prompt: { template: ['bos', 'caption', 'boi'], captionLength: 4, unconditional: 'pad-caption' },
  image: {
    gridWidth: 2,
    gridHeight: 2,
    endOfRowToken: null,
    endOfImageToken: 3,
    pixelWidth: 8,
    pixelHeight: 8,
    imageDecoder: { input: 'codes', output: 'pixels', layout: 'NHWC', range: [0, 1] },
  },
  sampling: { temperature: 1, topK: 0, topP: 1, cfgScale: 3 },
});

describe('parseModelManifest', () => {
  it('accepts a valid manifest', () => {
    expect(parseModelManifest(sampleManifest(), 'm.json').name).toBe('tiny');
  });
  const broken: [string, (m: ReturnType<typeof sampleManifest>) => void, string, RegExp][] = [
    [
      'wrong format',
      (m) => ((m as { format: string }).format = 'x'),
      'format',
      /expected "sjd-model", found "x"/,
    ],
    [
      'future version',
      (m) => ((m as { formatVersion: number }).formatVersion = 2),
      'formatVersion',
      /reads version 1, found 2/,
    ],
    [
      'missing decoder file',
      (m) => delete (m.files as { decoder?: string }).decoder,
      'files.decoder',
      /missing; expected a non-empty string/,
    ],
    [
      'missing past input',
      (m) => m.decoder.inputs.pop(),
      'decoder.inputs',
      /past_key_values\.0\.value/,
    ],
    [
      'missing input_ids',
      (m) => m.decoder.inputs.shift(),
      'decoder.inputs',
      /an array containing "input_ids"/,
    ],
    [
      'missing present output',
      (m) => m.decoder.outputs.pop(),
      'decoder.outputs',
      /present\.0\.value/,
    ],
    [
      'image range beyond vocabulary',
      (m) => (m.vocabulary.image.count = 9),
      'vocabulary.image',
      /exceeds the vocabulary of 12/,
    ],
    ['word count mismatch', (m) => m.textTokenizer.words.pop(), 'textTokenizer.words', /2 words/],
    ['bad grid', (m) => (m.image.gridWidth = 0), 'image.gridWidth', /an integer ≥ 1, found 0/],
    [
      'bad sampling',
      (m) => ((m.sampling as { topP: unknown }).topP = 'high'),
      'sampling.topP',
      /a finite number > 0, ≤ 1, found "high"/,
    ],
    [
      'bad dtype',
      (m) => ((m.decoder as { dtype: string }).dtype = 'int8'),
      'decoder.dtype',
      /one of "float32", "float16", found "int8"/,
    ],
    [
      'range of three numbers',
      (m) => ((m.image.imageDecoder.range as number[]) = [0, 1, 2]),
      'image.imageDecoder.range',
      /an array of 2 finite numbers/,
    ],
    [
      'a non-number in the range',
      (m) => ((m.image.imageDecoder.range as unknown[]) = [0, 'one']),
      'image.imageDecoder.range[1]',
      /a finite number, found "one"/,
    ],
    ['not an object', (m) => ((m as { files: unknown }).files = []), 'files', /an object/],
  ];
  it.each(broken)('%s → ManifestError naming %s', (_n, mutate, field, message) => {
    const m = sampleManifest();
    mutate(m);
    const error = (() => {
      try {
        parseModelManifest(m, '/models/tiny/manifest.json');
      } catch (e) {
        return e;
      }
    })() as ManifestError;
    expect(ManifestError.isInstance(error)).toBe(true);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`/models/tiny/manifest.json: ${field}: `);
    expect(error.message).toMatch(message);
    expect(error.allowed.length).toBeGreaterThan(0);
  });
  it('accepts the shipped manifest and names a JSON pointer as a field path', () => {
    expect(fieldOfPointer('')).toBe('manifest');
    expect(fieldOfPointer('/image/imageDecoder/range/1')).toBe('image.imageDecoder.range[1]');
    expect(fieldOfPointer('/a~1b/c~0d')).toBe('a/b.c~d');
  });
});

describe('encodePrompt', () => {
  const manifest = parseModelManifest(sampleManifest(), 'm');
  it('builds the conditional and the all-pad unconditional prompt of equal length', () => {
    const { conditional, unconditional } = encodePrompt(manifest, 'A red  circle');
    expect([...conditional]).toEqual([1, 4, 5, 6, 0, 2]);
    expect([...unconditional]).toEqual([1, 0, 0, 0, 0, 2]);
  });
  it('names an unknown word', () => {
    const error = (() => {
      try {
        encodePrompt(manifest, 'a blue circle');
      } catch (e) {
        return e;
      }
    })() as InvalidArgumentError;
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error.field).toBe('prompt');
    expect(error.message).toMatch(/"blue"/);
  });
  it('rejects empty and over-long captions', () => {
    expect(() => encodePrompt(manifest, '  ')).toThrow(/non-empty/);
    expect(() => encodePrompt(manifest, 'a red circle a red')).toThrow(/reads at most 4/);
  });
  it('derives the image layout', () => {
    expect(layoutFromManifest(manifest)).toEqual({
      gridWidth: 2,
      gridHeight: 2,
      imageTokens: { start: 7, count: 5 },
      endOfRowToken: null,
    });
  });
});
