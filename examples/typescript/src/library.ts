/**
 * The library in one call: a caption in, PNG bytes and statistics out, with the model that
 * ships in `@sjd/shapes`. Run: `node dist/library.js [out.png]`.
 */
import { writeFile } from 'node:fs/promises';
import { generateImage } from '@sjd/backend-node';
import { shippedModelDir } from '@sjd/shapes';

const out = process.argv[2] ?? 'library.png';
const image = await generateImage({
  prompt: 'a small blue square at the top left and a large red circle in the centre',
  model: { modelDir: shippedModelDir }, // or any model folder the library loads
  seed: 7,
  scale: 4, // 256 × 256 pixels
});
await writeFile(out, image.png);
const s = image.statistics;
console.log(
  `${image.width}×${image.height} PNG → ${out}: ${s.tokens} tokens in ${s.steps} forward passes (${s.stepCompression.toFixed(2)}×), seed ${image.seed}`,
);
