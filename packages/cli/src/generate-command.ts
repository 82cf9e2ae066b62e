import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type DecodingMethod,
  type DraftInit,
  type ExecutionProvider,
  encodePng,
  encodePrompt,
  generateStream,
  OnnxLogitsProvider,
  type Redraft,
} from '@sjd/backend-node';
import { canonicalCaption } from '@sjd/shapes';
import { SingleBar } from 'cli-progress';
import { outputPath } from './output-paths.js';

export interface GenerateFlags {
  readonly model?: string;
  readonly executionProvider: ExecutionProvider;
  readonly method: DecodingMethod;
  readonly window: number | 'auto';
  readonly init: DraftInit;
  readonly redraft: Redraft;
  readonly maxWindow: number;
  readonly seed?: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly temperature?: number;
  readonly cfg?: number;
  readonly images: number;
  readonly out: string;
  readonly progress: boolean;
}

/** `sjd generate "<prompt>"`: decodes, writes PNGs, prints a one-line summary. */
export async function runGenerate(caption: string, flags: GenerateFlags): Promise<void> {
  const model = await OnnxLogitsProvider.load({
    ...(flags.model ? { modelDir: flags.model } : {}),
    executionProvider: flags.executionProvider,
    // The automatic window needs the backend's measured cost of longer blocks.
    calibrate: flags.window === 'auto',
  });
  try {
    const recommended = model.manifest.sampling;
    const canonical = canonicalCaption(model.manifest.name, caption);
    if (canonical !== caption.trim().toLowerCase().replace(/\s+/g, ' ')) {
      process.stderr.write(
        `sjd: note: the model reads shapes in reading order; prompting with "${canonical}"\n`,
      );
    }
    const prompt = encodePrompt(model.manifest, canonical);
    const bar =
      flags.progress && process.stderr.isTTY
        ? new SingleBar({
            format: 'sjd {bar} {value}/{total} tokens | {steps} steps | {eta_formatted}',
            stream: process.stderr,
            hideCursor: true,
          })
        : null;
    const started = performance.now();
    const written: string[] = [];
    let steps = 0;
    let summary = '';
    for await (const event of generateStream({
      provider: model,
      prompt: prompt.conditional,
      unconditionalPrompt: prompt.unconditional,
      images: flags.images,
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      sampling: {
        temperature: flags.temperature ?? recommended.temperature,
        topK: flags.topK ?? recommended.topK,
        topP: flags.topP ?? recommended.topP,
        cfgScale: flags.cfg ?? recommended.cfgScale,
      },
      decoding: {
        method: flags.method,
        window: flags.window,
        init: flags.init,
        redraft: flags.redraft,
        maxWindow: flags.maxWindow,
      },
    })) {
      if (event.type === 'generation-start') {
        for (const warning of event.warnings) process.stderr.write(`sjd: warning: ${warning}\n`);
        bar?.start(event.images * event.sequenceLength, 0, { steps: 0 });
        summary = `seed ${event.seed}`;
      } else if (event.type === 'token-block') {
        steps++;
        bar?.increment(event.tokens.length, { steps });
      } else if (event.type === 'image-done') {
        const rgb = await model.decodeImage(event.codes);
        const path = outputPath(flags.out, event.image, flags.images);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(
          path,
          encodePng(rgb, model.manifest.image.pixelWidth, model.manifest.image.pixelHeight),
        );
        written.push(path);
      } else if (event.type === 'generation-done') {
        bar?.stop();
        const s = event.statistics;
        const seconds = (performance.now() - started) / 1000;
        process.stdout.write(
          `sjd: ${flags.method}${flags.method === 'ar' ? '' : ` L=${flags.window} ${flags.init}`}, ${flags.images} image(s), ${s.tokens} tokens in ${s.steps} steps, step compression ${s.stepCompression.toFixed(2)}×, ${seconds.toFixed(2)} s (model ${(s.providerMs / 1000).toFixed(2)} s), ${summary} → ${written.join(', ')}\n`,
        );
      }
    }
  } finally {
    await model.release();
  }
}
