/**
 * `pnpm --filter @sjd/bench entropy`: why SJD accepts more drafts on one model than on
 * another. Runs vanilla AR on each shipped model and records, for every image token, the
 * entropy (nats) of the model's next-token distribution over the image codes (the logits as
 * the provider returns them, temperature 1, before top-p), its top-1 probability, and how
 * often the token was nearly certain (entropy < 0.1 nats). Writes
 * bench/results/token-entropy.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  encodePrompt,
  generate,
  type LogitsProvider,
  type LogitsSession,
  OnnxLogitsProvider,
} from '@sjd/backend-node';
import { fashionLabels } from '@sjd/fashion';
import { heldOutCaptions } from '@sjd/shapes';
import { Command } from 'commander';
import { resolveBenchModel } from './bench-plan.js';

const options = new Command('entropy')
  .option('--images <n>', 'images per model', Number, 40)
  .option(
    '--out <dir>',
    'results folder',
    fileURLToPath(new URL('../../../bench/results/', import.meta.url)),
  )
  .parse()
  .opts<{ images: number; out: string }>();

/** Entropy (nats) and top-1 probability of softmax(logits[from, to)). */
function entropyOf(logits: Float32Array, offset: number, from: number, to: number) {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) max = Math.max(max, logits[offset + i]!);
  let z = 0;
  for (let i = from; i < to; i++) z += Math.exp(logits[offset + i]! - max);
  let h = 0;
  for (let i = from; i < to; i++) {
    const p = Math.exp(logits[offset + i]! - max) / z;
    if (p > 0) h -= p * Math.log(p);
  }
  return { entropy: h, top1: 1 / z };
}

/** Wraps a provider so every logits vector of row 0 lands in `seen`. */
function recording(provider: LogitsProvider, seen: Float32Array[]): LogitsProvider {
  return {
    ...provider,
    specificationVersion: provider.specificationVersion,
    providerId: provider.providerId,
    vocabSize: provider.vocabSize,
    layout: provider.layout,
    async openSession(o) {
      const session = await provider.openSession(o);
      const wrapped: LogitsSession = Object.create(session);
      wrapped.evaluate = async (blocks, opts) => {
        const out = await session.evaluate(blocks, opts);
        seen.push(out[0]!.slice());
        return out;
      };
      return wrapped;
    },
  };
}

const report: Record<string, unknown>[] = [];
for (const name of ['shapes-v2', 'fashion-v1']) {
  const bench = resolveBenchModel(name);
  const model = await OnnxLogitsProvider.load({ modelDir: bench.dir });
  const { manifest } = model;
  const captions = bench.kind === 'fashion' ? [...fashionLabels] : heldOutCaptions().slice(0, 40);
  const cells = manifest.image.gridWidth * manifest.image.gridHeight;
  const { start, count } = manifest.vocabulary.image;
  const byPosition = new Float64Array(cells);
  let entropy = 0;
  let top1 = 0;
  let certain = 0;
  let tokens = 0;
  for (let i = 0; i < options.images; i++) {
    const caption = captions[i % captions.length]!;
    const prompt = encodePrompt(manifest, caption);
    const seen: Float32Array[] = [];
    await generate({
      provider: recording(model, seen),
      prompt: prompt.conditional,
      unconditionalPrompt: prompt.unconditional,
      seed: i + 1,
      sampling: manifest.sampling,
      decoding: { method: 'ar' },
    });
    // AR: one logits vector per forward pass, the k-th predicting image token k.
    for (let k = 0; k < Math.min(cells, seen.length); k++) {
      const v = seen[k]!;
      const e = entropyOf(v, v.length - manifest.vocabulary.size, start, start + count);
      byPosition[k]! += e.entropy / options.images;
      entropy += e.entropy;
      top1 += e.top1;
      certain += e.entropy < 0.1 ? 1 : 0;
      tokens++;
    }
  }
  await model.release();
  const row = {
    model: name,
    images: options.images,
    tokens,
    meanEntropyNats: entropy / tokens,
    meanTop1Probability: top1 / tokens,
    nearlyCertainShare: certain / tokens,
    maxEntropyNats: Math.log(count),
    entropyByRow: Array.from(
      { length: manifest.image.gridHeight },
      (_, r) =>
        byPosition
          .slice(r * manifest.image.gridWidth, (r + 1) * manifest.image.gridWidth)
          .reduce((a, b) => a + b, 0) / manifest.image.gridWidth,
    ),
  };
  report.push(row);
  console.log(
    `${name}: mean entropy ${row.meanEntropyNats.toFixed(3)} nats (of ${row.maxEntropyNats.toFixed(2)} max), top-1 probability ${row.meanTop1Probability.toFixed(3)}, nearly certain (< 0.1 nats) ${(100 * row.nearlyCertainShare).toFixed(1)}% of ${tokens} tokens`,
  );
}
mkdirSync(options.out, { recursive: true });
writeFileSync(`${options.out}/token-entropy.json`, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${options.out}token-entropy.json`);
