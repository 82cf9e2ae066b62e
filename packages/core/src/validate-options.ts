import { DRAFT_INITS } from './decoders/draft-initializers.js';
import { MAX_BRANCHES } from './decoders/proactive-branches.js';
import { REDRAFTS } from './decoders/sjd-decoder.js';
import { InvalidArgumentError } from './errors/invalid-argument-error.js';
import {
  DEFAULT_DECODING,
  DEFAULT_SAMPLING,
  type GenerateOptions,
  type ResolvedOptions,
} from './generation-options.js';
import { randomSeed } from './random/seeded-random.js';

const METHODS = ['ar', 'jacobi', 'sjd'] as const;

/**
 * The smallest non-zero temperature and the largest |CFG scale|: beyond them the tempered,
 * guided float32 logits overflow to ±∞ and the step fails mid-stream, so they are refused
 * here. Below the temperature bound sampling is greedy in all but name: use 0.
 */
export const MIN_TEMPERATURE = 1e-6;
export const MAX_CFG_SCALE = 1000;

/** Checks every option at the public boundary and fills in defaults. */
export function validateOptions(options: GenerateOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError({ field: 'options', allowed: 'an object', received: options });
  }
  const provider = options.provider;
  if (provider?.specificationVersion !== 'v1' || typeof provider.openSession !== 'function') {
    throw new InvalidArgumentError({
      field: 'provider',
      allowed: "a LogitsProvider with specificationVersion 'v1'",
      received: provider,
    });
  }
  // Prompt ids live in the model's input vocabulary, which need not be the logits' one.
  const promptVocabSize = provider.promptVocabSize ?? provider.vocabSize;
  const sampling = { ...DEFAULT_SAMPLING, ...stripUndefined(options.sampling) };
  const decoding = { ...DEFAULT_DECODING, ...stripUndefined(options.decoding) };

  const { temperature, topK, topP, cfgScale } = sampling;
  if (
    typeof temperature !== 'number' ||
    !Number.isFinite(temperature) ||
    temperature < 0 ||
    (temperature > 0 && temperature < MIN_TEMPERATURE)
  ) {
    throw new InvalidArgumentError({
      field: 'sampling.temperature',
      allowed: `a finite number ≥ 0: 0 (greedy) or at least ${MIN_TEMPERATURE}`,
      received: temperature,
    });
  }
  if (!Number.isInteger(topK) || topK < 0) {
    throw new InvalidArgumentError({
      field: 'sampling.topK',
      allowed: 'an integer ≥ 0 (0 disables top-k)',
      received: topK,
    });
  }
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) {
    throw new InvalidArgumentError({
      field: 'sampling.topP',
      allowed: 'a number in (0, 1]',
      received: topP,
    });
  }
  if (typeof cfgScale !== 'number' || !(Math.abs(cfgScale) <= MAX_CFG_SCALE)) {
    throw new InvalidArgumentError({
      field: 'sampling.cfgScale',
      allowed: `a finite number in [-${MAX_CFG_SCALE}, ${MAX_CFG_SCALE}] (1 disables CFG)`,
      received: cfgScale,
    });
  }
  if (!METHODS.includes(decoding.method)) {
    throw new InvalidArgumentError({
      field: 'decoding.method',
      allowed: METHODS.join(' | '),
      received: decoding.method,
    });
  }
  const autoWindow = decoding.window === 'auto' && decoding.method === 'sjd';
  if (
    !autoWindow &&
    (!Number.isInteger(decoding.window) ||
      (decoding.window as number) < 1 ||
      (decoding.window as number) > 1024)
  ) {
    throw new InvalidArgumentError({
      field: 'decoding.window',
      allowed:
        decoding.method === 'sjd' ? "an integer in [1, 1024] or 'auto'" : 'an integer in [1, 1024]',
      received: decoding.window,
    });
  }
  if (!DRAFT_INITS.includes(decoding.init)) {
    throw new InvalidArgumentError({
      field: 'decoding.init',
      allowed: DRAFT_INITS.join(' | '),
      received: decoding.init,
    });
  }
  if (!REDRAFTS.includes(decoding.redraft)) {
    throw new InvalidArgumentError({
      field: 'decoding.redraft',
      allowed: REDRAFTS.join(' | '),
      received: decoding.redraft,
    });
  }
  if (
    !Number.isInteger(decoding.maxWindow) ||
    decoding.maxWindow < 1 ||
    decoding.maxWindow > 1024
  ) {
    throw new InvalidArgumentError({
      field: 'decoding.maxWindow',
      allowed: 'an integer in [1, 1024]',
      received: decoding.maxWindow,
    });
  }
  if (
    !Number.isInteger(decoding.branches) ||
    decoding.branches < 0 ||
    decoding.branches > MAX_BRANCHES
  ) {
    throw new InvalidArgumentError({
      field: 'decoding.branches',
      allowed: `an integer in [0, ${MAX_BRANCHES}] (0: off)`,
      received: decoding.branches,
    });
  }
  if (decoding.branches > 0 && decoding.method !== 'sjd') {
    throw new InvalidArgumentError({
      field: 'decoding.branches',
      allowed: '0 unless decoding.method is sjd',
      received: decoding.branches,
    });
  }
  const images = options.images ?? 1;
  if (!Number.isInteger(images) || images < 1 || images > 1000) {
    throw new InvalidArgumentError({
      field: 'images',
      allowed: 'an integer in [1, 1000]',
      received: images,
    });
  }
  const seed = options.seed ?? randomSeed();
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError({ field: 'seed', allowed: 'a safe integer', received: seed });
  }
  const prompt = tokenIds('prompt', options.prompt, promptVocabSize);
  let unconditionalPrompt: Int32Array | null = null;
  if (cfgScale !== 1) {
    if (options.unconditionalPrompt === undefined) {
      throw new InvalidArgumentError({
        field: 'unconditionalPrompt',
        allowed: 'token ids of the unconditional prompt whenever sampling.cfgScale ≠ 1',
        received: undefined,
      });
    }
    unconditionalPrompt = tokenIds(
      'unconditionalPrompt',
      options.unconditionalPrompt,
      promptVocabSize,
    );
  }
  return { prompt, unconditionalPrompt, images, seed, sampling, decoding };
}

function tokenIds(
  field: string,
  value: ArrayLike<number> | undefined,
  vocabSize: number,
): Int32Array {
  if (
    value === undefined ||
    value === null ||
    typeof value !== 'object' ||
    typeof value.length !== 'number'
  ) {
    throw new InvalidArgumentError({ field, allowed: 'an array of token ids', received: value });
  }
  if (value.length === 0) {
    throw new InvalidArgumentError({ field, allowed: 'at least one token id', received: value });
  }
  const ids = new Int32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const id = value[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new InvalidArgumentError({
        field: `${field}[${i}]`,
        allowed: `an integer token id in [0, ${vocabSize - 1}]`,
        received: id,
      });
    }
    ids[i] = id;
  }
  return ids;
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
