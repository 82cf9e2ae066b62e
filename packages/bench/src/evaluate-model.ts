/**
 * `pnpm eval:model`: the shipped model's figures, reproduced in TypeScript from the shipped
 * files alone (decoder.onnx, vq-decoder.onnx, manifest.json), next to what the manifest
 * states (measured by the Python pipeline). Vanilla AR at the recommended sampling:
 * - adherence: one image per held-out caption (200, seed = its index), judged by the evaluator;
 * - diversity: the first 32 held-out captions × 8 seeds, mean per-caption pairwise distance,
 *   beside ground-truth renders of the same captions under 8 random appearances each;
 * - PSNR of the image tokenizer: held-out ground-truth images encoded with the codebook
 *   (read back through vq-decoder.onnx) and decoded.
 * Prints a table and writes bench/results/model.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePrompt, generate, OnnxLogitsProvider } from '@sjd/backend-node';
import {
  adherence,
  datasetScenes,
  diversity,
  evaluateImage,
  heldOutCaptions,
  IMAGE_BYTES,
  parseCaption,
  renderScene,
  sampleAppearance,
  shippedModelDir,
} from '@sjd/shapes';
import { Command } from 'commander';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

const options = new Command('eval:model')
  .option('--model <dir>', 'model folder (default: the shipped model)')
  .option('--quick', '40 captions, 8 × 4 for diversity: a smoke run')
  .option(
    '--out <dir>',
    'results folder',
    fileURLToPath(new URL('../../../bench/results/', import.meta.url)),
  )
  .parse()
  .opts<{ model?: string; quick?: boolean; out: string }>();

const model = await OnnxLogitsProvider.load({ modelDir: options.model ?? shippedModelDir });
const { manifest } = model;
const sampling = manifest.sampling;
const captions = heldOutCaptions().slice(0, options.quick ? 40 : 200);
const started = performance.now();

async function sample(caption: string, seed: number): Promise<Uint8Array> {
  const prompt = encodePrompt(manifest, caption);
  const result = await generate({
    provider: model,
    prompt: prompt.conditional,
    unconditionalPrompt: prompt.unconditional,
    seed,
    sampling,
    decoding: { method: 'ar' },
  });
  return model.decodeImage(result.images[0]!.codes);
}

// Adherence: one image per held-out caption.
const verdicts = [];
for (const [i, caption] of captions.entries()) {
  verdicts.push(evaluateImage(await sample(caption, i + 1), caption));
}
const rates = adherence(verdicts);

// Diversity: the model's samples and ground-truth renders of the same captions.
const diversityCaptions = captions.slice(0, options.quick ? 8 : 32);
const seeds = options.quick ? 4 : 8;
const modelDiversity: number[] = [];
const truthDiversity: number[] = [];
const appearances = xoroshiro128plus(7);
for (const [c, caption] of diversityCaptions.entries()) {
  // Seeds distinct per caption (see the bench's seedFor): shared seeds would repeat the first
  // draws, and with them the background grey, across captions.
  const images: Uint8Array[] = [];
  for (let s = 0; s < seeds; s++) images.push(await sample(caption, 100_000 * (c + 1) + s));
  modelDiversity.push(diversity(images));
  const scene = parseCaption(caption);
  const renders = Array.from({ length: seeds }, () =>
    renderScene(scene, undefined, 0, sampleAppearance(appearances, scene)),
  );
  truthDiversity.push(diversity(renders));
}
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

// Tokenizer PSNR: the codebook read back through the image decoder, held-out images encoded with it.
const { gridWidth, gridHeight, pixelWidth } = manifest.image;
const patch = pixelWidth / gridWidth;
const codes = manifest.vocabulary.image.count;
const cells = gridWidth * gridHeight;
const codebook = new Float64Array(codes * patch * patch * 3);
for (let first = 0; first < codes; first += cells) {
  const block = Int32Array.from({ length: cells }, (_, i) => Math.min(first + i, codes - 1));
  const rgb = await model.decodeImage(block);
  for (let i = 0; i < cells && first + i < codes; i++) {
    copyPatch(rgb, i, codebook, (first + i) * patch * patch * 3);
  }
}
function copyPatch(rgb: Uint8Array, cell: number, out: Float64Array, at: number): void {
  const cx = (cell % gridWidth) * patch;
  const cy = Math.floor(cell / gridWidth) * patch;
  let k = at;
  for (let y = 0; y < patch; y++)
    for (let x = 0; x < patch; x++)
      for (let ch = 0; ch < 3; ch++) out[k++] = rgb[((cy + y) * pixelWidth + cx + x) * 3 + ch]!;
}
const truth = datasetScenes('heldout', 2);
let squaredError = 0;
const size = patch * patch * 3;
const piece = new Float64Array(size);
for (let n = 0; n < captions.length; n++) {
  const { scene, appearance } = truth.next().value;
  const image = renderScene(scene, undefined, 0, appearance);
  for (let cell = 0; cell < cells; cell++) {
    copyPatch(image, cell, piece, 0);
    let best = Number.POSITIVE_INFINITY;
    for (let c = 0; c < codes; c++) {
      let d = 0;
      const base = c * size;
      for (let j = 0; j < size && d < best; j++) {
        const e = piece[j]! - codebook[base + j]!;
        d += e * e;
      }
      if (d < best) best = d;
    }
    squaredError += best;
  }
}
const mse = squaredError / (captions.length * IMAGE_BYTES);
const psnr = 10 * Math.log10((255 * 255) / mse);
await model.release();

const stated = (manifest as { metrics?: Record<string, number> }).metrics ?? {};
const report = {
  model: manifest.name,
  sampling,
  adherence: rates.adherence,
  adherenceImages: rates.count,
  perAttribute: rates.perAttribute,
  diversity: mean(modelDiversity),
  groundTruthDiversity: mean(truthDiversity),
  diversityCaptions: diversityCaptions.length,
  diversitySeeds: seeds,
  psnrDb: psnr,
  psnrImages: captions.length,
  manifestMetrics: stated,
  seconds: (performance.now() - started) / 1000,
};
console.table([
  {
    figure: 'adherence (vanilla AR)',
    measured: `${(100 * report.adherence).toFixed(1)}% of ${rates.count}`,
    manifest: stated['adherence'] === undefined ? '' : `${(100 * stated['adherence']).toFixed(1)}%`,
  },
  {
    figure: 'diversity (model)',
    measured: report.diversity.toFixed(4),
    manifest: stated['diversity']?.toFixed(4) ?? '',
  },
  {
    figure: 'diversity (ground truth)',
    measured: report.groundTruthDiversity.toFixed(4),
    manifest: '',
  },
  {
    figure: 'tokenizer PSNR (dB)',
    measured: psnr.toFixed(2),
    manifest: stated['psnrDb']?.toFixed(2) ?? '',
  },
]);
console.log(`per attribute: ${JSON.stringify(rates.perAttribute)}; ${report.seconds.toFixed(0)} s`);
mkdirSync(options.out, { recursive: true });
writeFileSync(`${options.out}/model.json`, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${options.out}model.json`);
