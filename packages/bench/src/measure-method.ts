/**
 * Measures one decoding method round by round on the shipped model (or `modelDir`): a
 * round is one caption and all its seeds. Invoked by worker.ts, in a process of its own
 * so that its peak RSS and timings are its own.
 */
import { type DecodingMethod, encodePrompt, generate, OnnxLogitsProvider } from '@sjd/backend-node';
import { pairwiseDiversity, shippedModelDir } from '@sjd/shapes';
import { type MethodConfig, seedFor } from './bench-plan.js';
import { openImageJudge } from './image-judge.js';
import type { RoundMeasurement } from './round-measurement.js';

/** A loaded, warmed-up method that measures one round per call. */
export interface MethodRunner {
  runRound(
    captionIndex: number,
    caption: string,
    seeds: readonly number[],
  ): Promise<RoundMeasurement>;
  release(): Promise<void>;
}

export async function openMethodRunner(
  config: MethodConfig,
  warmCaption: string,
  modelDir?: string,
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  threads?: number,
): Promise<MethodRunner> {
  const model = await OnnxLogitsProvider.load({
    modelDir: modelDir ?? shippedModelDir,
    ...(threads ? { threads } : {}),
    calibrate: config.window === 'auto',
  });
  const judge = await openImageJudge(model.manifest);
  const sampling = {
    ...model.manifest.sampling,
    ...(config.cfgScale === undefined ? {} : { cfgScale: config.cfgScale }),
  };
  // Warm-up: first runs pay for JIT and onnxruntime's allocations.
  const warm = encodePrompt(model.manifest, warmCaption);
  await generate({
    provider: model,
    prompt: warm.conditional,
    unconditionalPrompt: warm.unconditional,
    seed: 999,
    sampling,
    decoding: { method: 'sjd', window: 4 },
  });
  const decoding = {
    method: config.method as DecodingMethod,
    window: config.window,
    ...(config.init ? { init: config.init } : {}),
    ...(config.redraft ? { redraft: config.redraft } : {}),
    ...(config.branches ? { branches: config.branches } : {}),
  };

  return {
    async runRound(captionIndex, caption, seeds) {
      const prompt = encodePrompt(model.manifest, caption);
      const images: Uint8Array[] = [];
      const holds: boolean[] = [];
      const features: number[][] = [];
      const verifiedByPosition: number[] = [];
      const acceptedByPosition: number[] = [];
      let steps = 0;
      let tokens = 0;
      let decodeMs = 0;
      let cpuMs = 0;
      let providerMs = 0;
      let acceptedDrafts = 0;
      let branchSteps = 0;
      for (const seed of seeds) {
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const result = await generate({
          provider: model,
          prompt: prompt.conditional,
          unconditionalPrompt: prompt.unconditional,
          seed: seedFor(captionIndex, seed),
          sampling,
          decoding,
        });
        decodeMs += performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        cpuMs += (cpu.user + cpu.system) / 1000;
        const s = result.statistics;
        steps += s.steps;
        tokens += s.tokens;
        providerMs += s.providerMs;
        acceptedDrafts += s.meanAcceptedDrafts * s.steps + s.branchAcceptedDrafts;
        branchSteps += s.branchSteps;
        s.verifiedByPosition.forEach((count, i) => {
          verifiedByPosition[i] = (verifiedByPosition[i] ?? 0) + count;
          acceptedByPosition[i] = (acceptedByPosition[i] ?? 0) + (s.acceptedByPosition[i] ?? 0);
        });
        const rgb = await model.decodeImage(result.images[0]!.codes);
        images.push(rgb);
        const verdict = await judge.judge(rgb, caption);
        holds.push(verdict.holds);
        if (verdict.features) features.push(verdict.features);
      }
      return {
        images: seeds.length,
        steps,
        tokens,
        decodeMs,
        cpuMs,
        providerMs,
        acceptedDrafts,
        branchSteps,
        holds,
        diversity: images.length > 1 ? pairwiseDiversity(images) : null,
        ...(features.length > 0 ? { features } : {}),
        verifiedByPosition,
        acceptedByPosition,
      };
    },
    release: async () => {
      await judge.release();
      await model.release();
    },
  };
}
