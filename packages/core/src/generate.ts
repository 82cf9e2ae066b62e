import { defaultRelativeCost } from './decoders/adaptive-window.js';
import { DecodeContext, type StepOutcome } from './decoders/decode-context.js';
import { decodeJacobi } from './decoders/jacobi-decoder.js';
import { decodeSjd, type SjdFaults } from './decoders/sjd-decoder.js';
import { decodeVanilla } from './decoders/vanilla-decoder.js';
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
  const prefixes = prompts.map((p) => p.subarray(0, -1));
  const openStarted = performance.now();
  const session = await provider.openSession(signal ? { prefixes, signal } : { prefixes });
  stats.providerMs += performance.now() - openStarted;
  try {
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

/** Runs {@link generateStream} to the end and collects the images. */
export async function generate(options: GenerateOptions): Promise<GenerationResult> {
  const images: GenerationResult['images'][number][] = [];
  let seed = 0;
  let warnings: readonly string[] = [];
  let statistics: DecodingStatistics | undefined;
  for await (const event of generateStream(options)) {
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
