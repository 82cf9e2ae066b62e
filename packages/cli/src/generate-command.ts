import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type DecodingMethod,
  type DraftInit,
  type ExecutionProvider,
  encodePng,
  generateStream,
  InvalidArgumentError,
  loadModel,
  type Redraft,
} from '@sjd/backend-node';
import { SingleBar } from 'cli-progress';
import { readCostProfile } from './cost-profile-file.js';
import { modelSearchPath, resolveModelDir } from './find-models.js';
import { checkOutputPath, outputPath, summarizePaths } from './output-paths.js';

export interface GenerateFlags {
  readonly model?: string;
  readonly executionProvider: ExecutionProvider;
  readonly dtype?: string | Readonly<Record<string, string>>;
  readonly method: DecodingMethod;
  readonly window: number | 'auto';
  readonly init: DraftInit;
  readonly redraft: Redraft;
  readonly maxWindow: number;
  readonly branches: number;
  readonly costProfile?: string;
  readonly seed?: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly temperature?: number;
  readonly cfg?: number;
  readonly images: number;
  readonly scale: number;
  readonly out: string;
  readonly progress: boolean;
  readonly json: boolean;
}

/** Flags (option names as Commander keys them) that a method does not read. */
const IGNORED_BY: Record<DecodingMethod, readonly (keyof GenerateFlags)[]> = {
  ar: ['window', 'init', 'redraft', 'maxWindow', 'branches', 'costProfile'],
  jacobi: ['redraft', 'maxWindow', 'branches', 'costProfile'],
  sjd: [],
};

const FLAG_NAMES: Partial<Record<keyof GenerateFlags, string>> = {
  window: '--window',
  init: '--init',
  redraft: '--redraft',
  maxWindow: '--max-window',
  branches: '--branches',
  costProfile: '--cost-profile',
};

/**
 * `sjd generate "<prompt>"`: decodes, writes PNGs, prints a one-line summary (or with
 * `--json` one JSON object). `explicit` holds the flags the user typed, so that warnings
 * are about what the user asked for, not about defaults.
 */
export async function runGenerate(
  caption: string,
  flags: GenerateFlags,
  explicit: ReadonlySet<string>,
): Promise<void> {
  checkOutputPath(flags.out);
  if (!Number.isInteger(flags.scale) || flags.scale < 1 || flags.scale > 64) {
    throw new InvalidArgumentError({
      field: 'scale',
      allowed: 'an integer in [1, 64]',
      received: flags.scale,
    });
  }
  const warn = (message: string) => process.stderr.write(`sjd: warning: ${message}\n`);
  const ignored = IGNORED_BY[flags.method].filter((flag) => explicit.has(flag));
  if (flags.method === 'sjd' && flags.window !== 'auto') {
    for (const flag of ['maxWindow', 'costProfile'] as const)
      if (explicit.has(flag)) ignored.push(flag);
  }
  if (ignored.length > 0) {
    warn(
      `--method ${flags.method} ignores ${ignored.map((flag) => FLAG_NAMES[flag]).join(' and ')}`,
    );
  }
  const modelDir = await resolveModelDir(flags.model, modelSearchPath());
  // The automatic window sizes each step from the cost of longer blocks: a saved profile
  // (sjd calibrate) keeps a seed's image the same run after run; without one, the core's
  // fixed default guess does. Timing at load would make the windows, and so the image,
  // depend on how busy the machine was.
  const costProfile =
    flags.costProfile === undefined ? undefined : await readCostProfile(flags.costProfile);
  const model = await loadModel({
    modelDir,
    executionProvider: flags.executionProvider,
    ...(flags.dtype === undefined ? {} : { dtype: flags.dtype }),
    ...(costProfile ? { costProfile } : {}),
  });
  try {
    const recommended = model.recommendedSampling;
    const canonical = model.prepareCaption(caption);
    const typed = caption
      .trim()
      .replace(/[.!?]+$/, '')
      .trim()
      .toLowerCase()
      .replace(/\s+/g, ' ');
    // Only a closed-vocabulary model (one that lists its words) rewrites captions.
    if (model.promptVocabulary !== undefined && canonical.toLowerCase() !== typed) {
      process.stderr.write(
        `sjd: note: the model reads its captions in the order it was trained on; prompting with "${canonical}"\n`,
      );
    }
    const prompt = model.encodePrompt(canonical);
    // Greedy Jacobi ignores the sampling warpers: leave them neutral unless the user set
    // them, so that the core warns only about what the user asked for.
    const greedy = flags.method === 'jacobi';
    const bar =
      flags.progress && !flags.json && process.stderr.isTTY
        ? new SingleBar({
            format: 'sjd {bar} {value}/{total} tokens | {steps} steps | {eta_formatted}',
            stream: process.stderr,
            hideCursor: true,
          })
        : null;
    const started = performance.now();
    const written: string[] = [];
    let steps = 0;
    let seed = 0;
    const png = (rgb: Uint8Array) =>
      encodePng(rgb, model.pixelWidth, model.pixelHeight, flags.scale);
    for await (const event of generateStream({
      provider: model,
      prompt: prompt.conditional,
      unconditionalPrompt: prompt.unconditional,
      images: flags.images,
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      sampling: {
        temperature: flags.temperature ?? (greedy ? 0 : recommended.temperature),
        topK: flags.topK ?? (greedy ? 0 : recommended.topK),
        topP: flags.topP ?? (greedy ? 1 : recommended.topP),
        cfgScale: flags.cfg ?? recommended.cfgScale,
      },
      decoding: {
        method: flags.method,
        window: flags.window,
        init: flags.init,
        redraft: flags.redraft,
        maxWindow: flags.maxWindow,
        branches: flags.method === 'sjd' ? flags.branches : 0,
      },
    })) {
      if (event.type === 'generation-start') {
        for (const warning of event.warnings) warn(warning);
        bar?.start(event.images * event.sequenceLength, 0, { steps: 0 });
        seed = event.seed;
      } else if (event.type === 'token-block') {
        steps++;
        bar?.increment(event.tokens.length, { steps });
      } else if (event.type === 'image-done') {
        const path = outputPath(flags.out, event.image, flags.images);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, png(await model.decodeImage(event.codes)));
        written.push(path);
      } else if (event.type === 'generation-done') {
        bar?.stop();
        const s = event.statistics;
        const seconds = (performance.now() - started) / 1000;
        if (flags.json) {
          const { width, height } = {
            width: model.pixelWidth * flags.scale,
            height: model.pixelHeight * flags.scale,
          };
          process.stdout.write(
            `${JSON.stringify({
              prompt: canonical,
              model: model.name,
              method: flags.method,
              ...(flags.method === 'ar' ? {} : { window: flags.window, init: flags.init }),
              seed,
              images: written,
              width,
              height,
              seconds,
              statistics: s,
            })}\n`,
          );
        } else {
          const windows =
            flags.method === 'sjd' && flags.window === 'auto'
              ? ` (windows ${s.windowSteps.map(([w, n]) => `${w}×${n}`).join(' ')}; costs: ${costProfile ? flags.costProfile : 'default guess'})`
              : '';
          const branches =
            flags.method === 'sjd' && flags.branches > 0
              ? ` +${flags.branches} branches (taken in ${s.branchSteps} steps)`
              : '';
          process.stdout.write(
            `sjd: ${flags.method}${flags.method === 'ar' ? '' : ` L=${flags.window} ${flags.init}`}${branches}${windows}, ${flags.images} image(s), ${s.tokens} tokens in ${s.steps} steps, step compression ${s.stepCompression.toFixed(2)}×, ${seconds.toFixed(2)} s (model ${(s.providerMs / 1000).toFixed(2)} s), seed ${seed} → ${summarizePaths(written)}\n`,
          );
        }
      }
    }
  } finally {
    await model.release();
  }
}
