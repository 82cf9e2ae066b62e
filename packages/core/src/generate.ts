import { defaultRelativeCost } from './decoders/adaptive-window.js';
import { DecodeContext, type StepOutcome } from './decoders/decode-context.js';
import { decodeJacobi } from './decoders/jacobi-decoder.js';
import { decodeSjd, type SjdFaults } from './decoders/sjd-decoder.js';
import { decodeVanilla } from './decoders/vanilla-decoder.js';
import { InvalidArgumentError } from './errors/invalid-argument-error.js';
import type { GenerationEvent, ImageDoneEvent } from './generation-events.js';
import type { GenerateOptions, ResolvedOptions } from './generation-options.js';
import { createSamplingChain } from './processing/logits-chain.js';
import { imageCodes, sequenceLength } from './provider/image-layout.js';
import type { LogitsProvider } from './provider/logits-provider.js';
import { SeededRandom } from './random/seeded-random.js';
import type { DecodingStatistics } from './stats/statistics-recorder.js';
import { StatisticsRecorder } from './stats/statistics-recorder.js';
import { validateOptions } from './validate-options.js';

/**
 * Generates images as a stream of events: `generation-start`, then per image one
 * `token-block` per decoding step and an `image-done`, then `generation-done`.
 * Options are validated before the first event (a bad option throws from the first
 * `next()`). Aborting the signal stops within one step and releases the provider session.
 *
 * @example
 * for await (const event of generateStream({ provider, prompt, seed: 7 })) {
 *   if (event.type === 'token-block') console.log(event.start, event.tokens);
 * }
 */
export function generateStream(options: GenerateOptions): AsyncGenerator<GenerationEvent> {
  return streamGeneration(options, {});
}

/**
 * {@link generateStream} with deliberate decoder faults, for the exactness suite's
 * negative controls only.
 * @internal
 */
export async function* streamGeneration(
  options: GenerateOptions,
  faults: SjdFaults,
): AsyncGenerator<GenerationEvent> {
  const resolved = validateOptions(options);
  const { provider, signal } = options;
  signal?.throwIfAborted();
  const { sampling, decoding } = resolved;
  const warnings: string[] = [];
  if (
    decoding.method === 'jacobi' &&
    (sampling.temperature !== 0 || sampling.topK !== 0 || sampling.topP !== 1)
  ) {
    warnings.push('jacobi decoding is greedy: temperature, topK and topP are ignored');
  }
  const layout = provider.layout;
  yield {
    type: 'generation-start',
    seed: resolved.seed,
    method: decoding.method,
    window: decoding.method === 'ar' ? 1 : decoding.window,
    init: decoding.init,
    redraft: decoding.redraft,
    images: resolved.images,
    gridWidth: layout.gridWidth,
    gridHeight: layout.gridHeight,
    sequenceLength: sequenceLength(layout),
    providerId: provider.providerId,
    warnings,
  };
  const random = new SeededRandom(resolved.seed);
  const total = new StatisticsRecorder();
  for (let image = 0; image < resolved.images; image++) {
    const stats = new StatisticsRecorder();
    let step = 0;
    let done: ImageDoneEvent | undefined;
    for await (const outcome of decodeImage(provider, resolved, random, stats, signal, faults)) {
      if ('codes' in outcome) {
        done = { type: 'image-done', image, ...outcome, statistics: stats.summary() };
      } else {
        yield {
          type: 'token-block',
          image,
          step: step++,
          start: outcome.start,
          tokens: outcome.tokens,
          acceptedDrafts: outcome.acceptedDrafts,
        };
      }
    }
    total.add(stats);
    yield done!;
  }
  yield { type: 'generation-done', seed: resolved.seed, statistics: total.summary() };
}

async function* decodeImage(
  provider: LogitsProvider,
  options: ResolvedOptions,
  random: SeededRandom,
  stats: StatisticsRecorder,
  signal: AbortSignal | undefined,
  faults: SjdFaults,
): AsyncGenerator<StepOutcome | { tokens: Int32Array; codes: Int32Array }> {
  const started = performance.now();
  const { prompt, unconditionalPrompt, sampling, decoding } = options;
  // Each row opens on its prompt less the last token, which its first block feeds.
  const prompts = unconditionalPrompt ? [prompt, unconditionalPrompt] : [prompt];
  // SJD's proactive branches: 1 + branches copies of the prompt rows over one prefix.
  const groups = decoding.method === 'sjd' ? 1 + decoding.branches : 1;
  const prefixes = Array.from({ length: groups }, () =>
    prompts.map((p) => p.subarray(0, -1)),
  ).flat();
  const openStarted = performance.now();
  const session = await provider.openSession(signal ? { prefixes, signal } : { prefixes });
  stats.providerMs += performance.now() - openStarted;
  try {
    if (groups > 1 && typeof session.adoptRows !== 'function') {
      throw new InvalidArgumentError({
        field: 'decoding.branches',
        allowed: `0 with provider ${provider.providerId}: its sessions have no adoptRows`,
        received: decoding.branches,
      });
    }
    const greedy = decoding.method === 'jacobi';
    const chain = createSamplingChain(provider.layout, provider.vocabSize, {
      ...sampling,
      temperature: greedy ? 0 : sampling.temperature,
    });
    const context = new DecodeContext({
      session,
      layout: provider.layout,
      vocabSize: provider.vocabSize,
      chain,
      random,
      stats,
      promptEnds: prompts.map((p) => p[p.length - 1]!),
      groups,
      signal,
    });
    const steps =
      decoding.method === 'ar'
        ? decodeVanilla(context)
        : decoding.method === 'jacobi'
          ? decodeJacobi(context, { window: decoding.window as number, init: decoding.init })
          : decodeSjd(
              context,
              {
                window: decoding.window,
                init: decoding.init,
                redraft: decoding.redraft,
                maxWindow: decoding.maxWindow,
                relativeCost: provider.relativeCost
                  ? (n: number) => provider.relativeCost!(n)
                  : defaultRelativeCost,
                branches: decoding.branches,
              },
              faults,
            );
    for await (const outcome of steps) yield outcome;
    stats.totalMs += performance.now() - started;
    const tokens = context.committed.slice();
    yield { tokens, codes: imageCodes(provider.layout, tokens) };
  } finally {
    await session.dispose();
  }
}

/** The outcome of {@link generate}. */
export interface GenerationResult {
  readonly seed: number;
  readonly warnings: readonly string[];
  readonly images: readonly {
    readonly tokens: Int32Array;
    readonly codes: Int32Array;
    readonly statistics: DecodingStatistics;
  }[];
  readonly statistics: DecodingStatistics;
}

/** One request of a {@link generate} call with several: its options plus its own events. */
export interface GenerateRequest extends GenerateOptions {
  /** Receives this request's events as they happen (those {@link generateStream} yields). */
  readonly onEvent?: (event: GenerationEvent) => void;
}

/**
 * The outcome of one request of a {@link generate} call with several: its result, or why it
 * failed (a bad option, its signal aborted, a provider error) — the others are unaffected.
 */
export type GenerateOutcome = PromiseSettledResult<GenerationResult>;

/**
 * Runs {@link generateStream} to the end and collects the images.
 *
 * Given several requests (each its own prompt, seed, options, signal and `onEvent`), runs
 * them concurrently and resolves, in request order, with each one's outcome. On a provider
 * that batches (the onnxruntime backends loaded with `maxBatchRows` > 1), their forward
 * passes merge into one model call a step; each request still samples from its own RNG and
 * commits its own tokens, so its images are the ones it gets alone (docs/architecture.md,
 * "Batching").
 *
 * @example
 * const [a, b] = await generate([
 *   { provider, prompt: red, seed: 1 },
 *   { provider, prompt: blue, seed: 2, onEvent: (e) => console.log(e.type) },
 * ]);
 * if (a.status === 'fulfilled') console.log(a.value.images[0].codes);
 */
export function generate(options: GenerateOptions): Promise<GenerationResult>;
export function generate(requests: readonly GenerateRequest[]): Promise<GenerateOutcome[]>;
export function generate(
  options: GenerateOptions | readonly GenerateRequest[],
): Promise<GenerationResult | GenerateOutcome[]> {
  if (!Array.isArray(options)) return collect(options as GenerateOptions);
  const requests = options as readonly GenerateRequest[];
  if (requests.length === 0) {
    return Promise.reject(
      new InvalidArgumentError({
        field: 'requests',
        allowed: 'at least one request',
        received: 0,
      }),
    );
  }
  return Promise.allSettled(requests.map((request) => collect(request, request.onEvent)));
}

async function collect(
  options: GenerateOptions,
  onEvent?: (event: GenerationEvent) => void,
): Promise<GenerationResult> {
  const images: GenerationResult['images'][number][] = [];
  let seed = 0;
  let warnings: readonly string[] = [];
  let statistics: DecodingStatistics | undefined;
  for await (const event of generateStream(options)) {
    onEvent?.(event);
    if (event.type === 'generation-start') {
      seed = event.seed;
      warnings = event.warnings;
    } else if (event.type === 'image-done') {
      images.push({ tokens: event.tokens, codes: event.codes, statistics: event.statistics });
    } else if (event.type === 'generation-done') {
      statistics = event.statistics;
    }
  }
  return { seed, warnings, images, statistics: statistics! };
}
