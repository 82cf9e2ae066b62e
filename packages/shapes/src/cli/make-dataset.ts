#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { writeDataset } from '../dataset.js';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('not an integer');
  return n;
}

const program = new Command()
  .name('make-dataset')
  .description(
    'Write a captioned-shapes dataset for the Python trainer (meta.json, images.u8, captions.i32, captions.txt).',
  )
  .requiredOption('--out <dir>', 'output folder')
  .requiredOption('--count <n>', 'number of images', integer)
  .requiredOption('--seed <s>', 'seed (32-bit integer)', integer)
  .requiredOption('--split <split>', 'train | heldout')
  .action((opts: { out: string; count: number; seed: number; split: string }) => {
    if (opts.split !== 'train' && opts.split !== 'heldout') {
      program.error(`error: --split must be train or heldout, got "${opts.split}"`);
    }
    const started = performance.now();
    const meta = writeDataset({
      out: opts.out,
      count: opts.count,
      seed: opts.seed,
      split: opts.split as 'train' | 'heldout',
    });
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(
      `wrote ${meta.count} ${meta.split} images to ${opts.out} in ${seconds.toFixed(2)} s\n`,
    );
  });

program.parse();
