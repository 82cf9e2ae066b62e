/**
 * `pnpm bench:memory`: 1,000 generations in one process (SJD, shipped model, CPU) and the
 * resident set size along the way. Tensors are released deterministically, so after the
 * warm-up RSS must stay flat. Writes bench/results/memory.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePrompt, generate, OnnxLogitsProvider } from '@sjd/backend-node';
import { heldOutCaptions, shippedModelDir } from '@sjd/shapes';
import { Command } from 'commander';

const { count, model: modelDir } = new Command('bench:memory')
  .option('--count <n>', 'generations', (v) => Number.parseInt(v, 10), 1000)
  .option('--model <dir>', 'model folder (default: the shipped model)')
  .parse()
  .opts<{ count: number; model?: string }>();
const out = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
const model = await OnnxLogitsProvider.load({ modelDir: modelDir ?? shippedModelDir });
const captions = heldOutCaptions();
const mb = () => process.memoryUsage().rss / 2 ** 20;
const samples: { generation: number; rssMb: number; heapMb: number }[] = [];
const started = performance.now();
for (let i = 0; i < count; i++) {
  const prompt = encodePrompt(model.manifest, captions[i % captions.length]!);
  const result = await generate({
    provider: model,
    prompt: prompt.conditional,
    unconditionalPrompt: prompt.unconditional,
    seed: i,
    sampling: model.manifest.sampling,
    decoding: { method: 'sjd', window: 16, init: 'vertical' },
  });
  await model.decodeImage(result.images[0]!.codes);
  if ((i + 1) % 100 === 0 || i === 9) {
    samples.push({
      generation: i + 1,
      rssMb: mb(),
      heapMb: process.memoryUsage().heapUsed / 2 ** 20,
    });
    process.stderr.write(`bench:memory: ${i + 1} generations, RSS ${mb().toFixed(0)} MB\n`);
  }
}
const warm = samples.find((s) => s.generation === 100) ?? samples[0]!;
const last = samples.at(-1)!;
const growthPct = ((last.rssMb - warm.rssMb) / warm.rssMb) * 100;
console.table(
  samples.map((s) => ({
    generations: s.generation,
    'RSS MB': s.rssMb.toFixed(0),
    'heap MB': s.heapMb.toFixed(1),
  })),
);
console.log(
  `RSS from generation ${warm.generation} to ${last.generation}: ${warm.rssMb.toFixed(0)} → ${last.rssMb.toFixed(0)} MB (${growthPct >= 0 ? '+' : ''}${growthPct.toFixed(1)}%), open sessions ${model.activeSessions}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
mkdirSync(out, { recursive: true });
writeFileSync(
  `${out}/memory.json`,
  `${JSON.stringify({ count, samples, growthPct, openSessions: model.activeSessions }, null, 2)}\n`,
);
await model.release();
