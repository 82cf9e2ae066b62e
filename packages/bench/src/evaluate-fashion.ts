/**
 * `pnpm eval:model` for `fashion-v1`: the figures the training pipeline states in the
 * manifest, reproduced in TypeScript from the shipped files (decoder.onnx, vq-decoder.onnx,
 * manifest.json, and the judge eval/classifier.onnx) and Debian's Fashion-MNIST. Vanilla AR at
 * the recommended sampling, N images (N/10 per class prompt, seed = index + 1):
 * - FID against the 10 000 test images on the classifier's 64 penultimate features, with a
 *   bootstrap standard error; floors: all 60 000 train images vs test, and N random train
 *   images vs test (FID grows as a sample shrinks: N real images is the fair floor);
 * - accuracy: the share of images the classifier puts in the asked class (its own test
 *   accuracy beside it, the ceiling);
 * - diversity: mean pixel difference / 255 between images of one class, beside test images;
 * - PSNR of the image tokenizer: the codebook read back through vq-decoder.onnx, test images
 *   encoded with it.
 * Prints a table and writes bench/results/model-fashion-v1.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePrompt, generate, OnnxLogitsProvider } from '@sjd/backend-node';
import {
  bootstrapFrechet,
  FashionJudge,
  fashionLabels,
  fashionModelDir,
  featureStats,
  frechetDistance,
  readFashionSplit,
} from '@sjd/fashion';
import { pairwiseDiversity } from '@sjd/shapes';
import { Command } from 'commander';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { wilsonInterval } from './quality-comparison.js';

const options = new Command('eval:model:fashion')
  .option('--model <dir>', 'model folder (default: the shipped fashion-v1)')
  .option('--quick', '100 images, 10 000 train images for the floor: a smoke run')
  .option('--n <count>', 'generated images (default 500, as the pipeline measured)', Number)
  .option(
    '--out <dir>',
    'results folder',
    fileURLToPath(new URL('../../../bench/results/', import.meta.url)),
  )
  .parse()
  .opts<{ model?: string; quick?: boolean; n?: number; out: string }>();

const started = performance.now();
const n = options.n ?? (options.quick ? 100 : 500);
const model = await OnnxLogitsProvider.load({ modelDir: options.model ?? fashionModelDir });
const { manifest } = model;
const judge = await FashionJudge.open();
const rng = xoroshiro128plus(2026);
const uniform = () => (rng.next() >>> 0) / 2 ** 32;

// Generated images, cycling through the ten class prompts.
const asked: number[] = [];
const images: Uint8Array[] = [];
for (let i = 0; i < n; i++) {
  const label = i % fashionLabels.length;
  const prompt = encodePrompt(manifest, fashionLabels[label]!);
  const result = await generate({
    provider: model,
    prompt: prompt.conditional,
    unconditionalPrompt: prompt.unconditional,
    seed: i + 1,
    sampling: manifest.sampling,
    decoding: { method: 'ar' },
  });
  images.push(await model.decodeImage(result.images[0]!.codes));
  asked.push(label);
}
const generated = await judge.judge(images);
const correct = generated.filter((g, i) => g.predicted === asked[i]).length;

// Real images: the test set (the reference) and the train set (the floors).
const test = readFashionSplit('test');
const train = readFashionSplit('train');
const testJudged = await judge.judge(test.images);
const reference = featureStats(testJudged.map((j) => j.features));
const classifierAccuracy =
  testJudged.filter((j, i) => j.predicted === test.labels[i]).length / test.images.length;
const trainImages = options.quick ? train.images.slice(0, 10_000) : train.images;
const trainFeatures = (await judge.judge(trainImages)).map((j) => j.features);
const floorAll = frechetDistance(featureStats(trainFeatures), reference);
const floorN: number[] = [];
for (let r = 0; r < 5; r++) {
  const pick = Array.from(
    { length: n },
    () => trainFeatures[Math.floor(uniform() * trainFeatures.length)]!,
  );
  floorN.push(frechetDistance(featureStats(pick), reference));
}
const fid = bootstrapFrechet(
  generated.map((g) => g.features),
  reference,
  uniform,
);

// Diversity: the first 16 images of each class, generated and test.
const perClass = (imgs: readonly Uint8Array[], labels: ArrayLike<number>) =>
  mean(
    fashionLabels.map((_, c) =>
      pairwiseDiversity(imgs.filter((_, i) => labels[i] === c).slice(0, 16)),
    ),
  );
function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
const grey = (rgb: Uint8Array) => rgb.filter((_, i) => i % 3 === 0);
const diversity = perClass(images.map(grey), asked);
const testDiversity = perClass(test.images, test.labels);

// Tokenizer PSNR: the codebook read back through the image decoder (greyscale: the red channel).
const { gridWidth, gridHeight, pixelWidth } = manifest.image;
const patch = pixelWidth / gridWidth;
const codes = manifest.vocabulary.image.count;
const cells = gridWidth * gridHeight;
const size = patch * patch;
const codebook = new Float64Array(codes * size);
const copyPatch = (
  img: Uint8Array,
  stride: number,
  cell: number,
  out: Float64Array,
  at: number,
) => {
  const cx = (cell % gridWidth) * patch;
  const cy = Math.floor(cell / gridWidth) * patch;
  let k = at;
  for (let y = 0; y < patch; y++)
    for (let x = 0; x < patch; x++) out[k++] = img[((cy + y) * pixelWidth + cx + x) * stride]!;
};
for (let first = 0; first < codes; first += cells) {
  const block = Int32Array.from({ length: cells }, (_, i) => Math.min(first + i, codes - 1));
  const rgb = await model.decodeImage(block);
  for (let i = 0; i < cells && first + i < codes; i++)
    copyPatch(rgb, 3, i, codebook, (first + i) * size);
}
const psnrImages = options.quick ? 200 : 10_000;
let squaredError = 0;
const piece = new Float64Array(size);
for (let k = 0; k < psnrImages; k++) {
  for (let cell = 0; cell < cells; cell++) {
    copyPatch(test.images[k]!, 1, cell, piece, 0);
    let best = Number.POSITIVE_INFINITY;
    for (let c = 0; c < codes; c++) {
      let d = 0;
      for (let j = 0; j < size; j++) d += (piece[j]! - codebook[c * size + j]!) ** 2;
      if (d < best) best = d;
    }
    squaredError += best;
  }
}
const psnr = 10 * Math.log10((255 * 255) / (squaredError / (psnrImages * pixelWidth * pixelWidth)));
await judge.release();
await model.release();

const stated = (manifest as { metrics?: Record<string, number> }).metrics ?? {};
const report = {
  model: manifest.name,
  sampling: manifest.sampling,
  images: n,
  fid: fid.fid,
  fidStandardError: fid.standardError,
  fidFloorTrainVsTest: floorAll,
  fidFloorTrainNVsTest: mean(floorN),
  accuracy: correct / n,
  accuracyInterval: wilsonInterval(correct, n),
  classifierTestAccuracy: classifierAccuracy,
  diversity,
  testDiversity,
  psnrDb: psnr,
  psnrImages,
  manifestMetrics: stated,
  seconds: (performance.now() - started) / 1000,
};
const f2 = (x: number | undefined) => (x === undefined ? '' : x.toFixed(2));
console.table([
  {
    figure: `FID vs test (${n} images, ± bootstrap se)`,
    measured: `${f2(fid.fid)} ± ${f2(fid.standardError)}`,
    manifest: f2(stated['fid']),
  },
  {
    figure: `FID floor: ${n} train images vs test`,
    measured: f2(report.fidFloorTrainNVsTest),
    manifest: f2(stated['fidFloor']),
  },
  { figure: 'FID floor: all train vs test', measured: f2(floorAll), manifest: '' },
  {
    figure: 'accuracy (the classifier finds the asked class)',
    measured: `${(100 * report.accuracy).toFixed(1)}% (${report.accuracyInterval.map((x) => (100 * x).toFixed(1)).join('–')})`,
    manifest: stated['adherence'] === undefined ? '' : `${(100 * stated['adherence']).toFixed(1)}%`,
  },
  {
    figure: 'classifier accuracy on the test set',
    measured: `${(100 * classifierAccuracy).toFixed(1)}%`,
    manifest:
      stated['classifierAccuracy'] === undefined
        ? ''
        : `${(100 * stated['classifierAccuracy']).toFixed(1)}%`,
  },
  {
    figure: 'diversity (model)',
    measured: diversity.toFixed(4),
    manifest: stated['diversity']?.toFixed(4) ?? '',
  },
  { figure: 'diversity (test images)', measured: testDiversity.toFixed(4), manifest: '' },
  { figure: 'tokenizer PSNR (dB)', measured: psnr.toFixed(2), manifest: f2(stated['psnrDb']) },
]);
mkdirSync(options.out, { recursive: true });
writeFileSync(`${options.out}/model-${manifest.name}.json`, `${JSON.stringify(report, null, 2)}\n`);
console.log(`${report.seconds.toFixed(0)} s; wrote ${options.out}model-${manifest.name}.json`);
