/**
 * Worker: measures one method on the prompt set in a fresh process, so that its peak RSS
 * and timings are its own. Prints one JSON line. Invoked by main.ts.
 */
import { type DecodingMethod, encodePrompt, generate, OnnxLogitsProvider } from '@sjd/backend-node';
import { adherence, diversity, evaluateImage } from '@sjd/shapes';
import { type MethodConfig, seedFor } from './bench-plan.js';

export interface MethodMeasurement {
  readonly images: number;
  readonly steps: number;
  readonly tokens: number;
  readonly decodeMs: number;
  readonly providerMs: number;
  readonly adherence: number;
  readonly diversity: number;
  /** Per image, in order (caption by caption, seed by seed): the caption holds. */
  readonly holds: boolean[];
  /** Per caption: the diversity of its images across seeds. */
  readonly diversityByCaption: number[];
  readonly acceptanceByPosition: (number | null)[];
  readonly meanAcceptedDrafts: number;
  readonly peakRssMb: number;
}

export async function measureMethod(
  config: MethodConfig,
  captions: readonly string[],
  seeds: readonly number[],
  modelDir?: string,
): Promise<MethodMeasurement> {
  const model = await OnnxLogitsProvider.load({
    ...(modelDir ? { modelDir } : {}),
    calibrate: config.window === 'auto',
  });
  const sampling = {
    ...model.manifest.sampling,
    ...(config.cfgScale === undefined ? {} : { cfgScale: config.cfgScale }),
  };
  // Warm-up: first runs pay for JIT and onnxruntime's allocations.
  const warm = encodePrompt(model.manifest, captions[0]!);
  await generate({
    provider: model,
    prompt: warm.conditional,
    unconditionalPrompt: warm.unconditional,
    seed: 999,
    sampling,
    decoding: { method: 'sjd', window: 4 },
  });

  const verdicts = [];
  const diversities: number[] = [];
  let steps = 0;
  let tokens = 0;
  let decodeMs = 0;
  let providerMs = 0;
  let acceptedDrafts = 0;
  const verified: number[] = [];
  const accepted: number[] = [];
  for (const [c, caption] of captions.entries()) {
    const prompt = encodePrompt(model.manifest, caption);
    const images: Uint8Array[] = [];
    for (const seed of seeds) {
      const started = performance.now();
      const result = await generate({
        provider: model,
        prompt: prompt.conditional,
        unconditionalPrompt: prompt.unconditional,
        seed: seedFor(c, seed),
        sampling,
        decoding: {
          method: config.method as DecodingMethod,
          window: config.window,
          ...(config.init ? { init: config.init } : {}),
          ...(config.redraft ? { redraft: config.redraft } : {}),
        },
      });
      decodeMs += performance.now() - started;
      const s = result.statistics;
      steps += s.steps;
      tokens += s.tokens;
      providerMs += s.providerMs;
      acceptedDrafts += s.meanAcceptedDrafts * s.steps;
      s.verifiedByPosition.forEach((count, i) => {
        verified[i] = (verified[i] ?? 0) + count;
        accepted[i] = (accepted[i] ?? 0) + (s.acceptedByPosition[i] ?? 0);
      });
      const rgb = await model.decodeImage(result.images[0]!.codes);
      images.push(rgb);
      verdicts.push(evaluateImage(rgb, caption));
    }
    if (images.length > 1) diversities.push(diversity(images));
  }
  await model.release();
  return {
    images: verdicts.length,
    steps,
    tokens,
    decodeMs,
    providerMs,
    adherence: adherence(verdicts).adherence,
    diversity: diversities.reduce((a, b) => a + b, 0) / Math.max(1, diversities.length),
    holds: verdicts.map((v) => v.holds),
    diversityByCaption: diversities,
    acceptanceByPosition: verified.map((v, i) => (v ? (accepted[i] ?? 0) / v : null)),
    meanAcceptedDrafts: acceptedDrafts / Math.max(1, steps),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
