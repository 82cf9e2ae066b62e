#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { diversity } from '../diversity.js';
import { adherence, evaluateImage, type ImageVerdict } from '../evaluate.js';
import { IMAGE_BYTES } from '../grammar.js';

interface Options {
  images: string;
  captions: string;
  json?: boolean;
}

const program = new Command()
  .name('evaluate')
  .description(
    'Judge generated images against their captions: adherence, per-attribute rates and, for captions given more than once, diversity.',
  )
  .requiredOption('--images <file>', 'images.u8 layout: N x 64 x 64 x 3 uint8, HWC')
  .requiredOption('--captions <file>', 'one caption per image, one per line')
  .option('--json', 'print a JSON object on stdout (the summary goes to stderr)')
  .action((opts: Options) => {
    const bytes = readFileSync(opts.images);
    if (bytes.length % IMAGE_BYTES !== 0) {
      program.error(
        `error: ${opts.images} has ${bytes.length} bytes, not a multiple of ${IMAGE_BYTES}`,
      );
    }
    const n = bytes.length / IMAGE_BYTES;
    const captions = readFileSync(opts.captions, 'utf8').split(/\r?\n/);
    while (captions.length > n && captions[captions.length - 1] === '') captions.pop();
    if (captions.length !== n) {
      program.error(`error: ${n} images but ${captions.length} captions`);
    }
    const images: Uint8Array[] = [];
    const verdicts: ImageVerdict[] = [];
    const byCaption = new Map<string, Uint8Array[]>();
    for (let i = 0; i < n; i++) {
      const image = new Uint8Array(bytes.buffer, bytes.byteOffset + i * IMAGE_BYTES, IMAGE_BYTES);
      const caption = captions[i]!;
      try {
        verdicts.push(evaluateImage(image, caption));
      } catch (error) {
        program.error(`error: caption ${i + 1}: ${(error as Error).message}`);
      }
      images.push(image);
      const group = byCaption.get(caption);
      if (group) group.push(image);
      else byCaption.set(caption, [image]);
    }
    const summary = adherence(verdicts);
    const diversityByCaption: Record<string, number> = {};
    for (const [caption, group] of byCaption) {
      if (group.length >= 2) diversityByCaption[caption] = diversity(group);
    }
    const values = Object.values(diversityByCaption);
    const meanDiversity = values.length
      ? values.reduce((a, b) => a + b, 0) / values.length
      : undefined;
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const text = [
      `images: ${summary.count}`,
      `adherence: ${pct(summary.adherence)}`,
      `colour+position: ${pct(summary.perAttribute.colourPosition)}  size: ${pct(summary.perAttribute.size)}  kind: ${pct(summary.perAttribute.kind)}  count: ${pct(summary.perAttribute.count)}`,
      meanDiversity === undefined
        ? 'diversity: n/a (no caption given more than once)'
        : `diversity (mean abs pixel diff / 255, ${values.length} captions): ${meanDiversity.toFixed(4)}`,
    ].join('\n');
    if (opts.json) {
      process.stderr.write(text + '\n');
      const out = {
        ...summary,
        ...(meanDiversity === undefined ? {} : { diversity: meanDiversity, diversityByCaption }),
      };
      process.stdout.write(JSON.stringify(out) + '\n');
    } else {
      process.stdout.write(text + '\n');
    }
  });

program.parse();
