import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { encodePrompt, layoutFromManifest } from './encode-prompt.js';
import { ManifestError } from './manifest-error.js';
import { parseModelManifest } from './parse-model-manifest.js';

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
  const broken: [string, (m: ReturnType<typeof sampleManifest>) => void, string][] = [
    ['wrong format', (m) => ((m as { format: string }).format = 'x'), 'format'],
    [
      'future version',
      (m) => ((m as { formatVersion: number }).formatVersion = 2),
      'formatVersion',
    ],
    [
      'missing decoder file',
      (m) => delete (m.files as { decoder?: string }).decoder,
      'files.decoder',
    ],
    ['missing past input', (m) => m.decoder.inputs.pop(), 'decoder.inputs'],
    ['missing present output', (m) => m.decoder.outputs.pop(), 'decoder.outputs'],
    ['image range beyond vocabulary', (m) => (m.vocabulary.image.count = 9), 'vocabulary.image'],
    ['word count mismatch', (m) => m.textTokenizer.words.pop(), 'textTokenizer.words'],
    ['bad grid', (m) => (m.image.gridWidth = 0), 'image.gridWidth'],
    ['bad sampling', (m) => ((m.sampling as { topP: unknown }).topP = 'high'), 'sampling.topP'],
  ];
  it.each(broken)('%s → ManifestError naming %s', (_n, mutate, field) => {
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
    expect(error.message).toContain('/models/tiny/manifest.json');
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
