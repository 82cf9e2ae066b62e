/**
 * `pnpm bench:kv`: how rejected drafts should leave the KV cache, measured. The same SJD
 * generations (shipped model, CPU, held-out captions × seeds) run with `trim` and with
 * `mask`, alternating per image in one process so both see the same machine state.
 * Writes bench/results/kv-cache.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CacheStrategy, encodePrompt, generate, OnnxLogitsProvider } from '@sjd/backend-node';
import { heldOutCaptions, shippedModelDir } from '@sjd/shapes';

const out = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
const captions = heldOutCaptions().slice(0, 8);
const seeds = [1, 2, 3];
const strategies: CacheStrategy[] = ['trim', 'mask'];
const models = Object.fromEntries(
  await Promise.all(
    strategies.map(
      async (s) =>
        [
          s,
          await OnnxLogitsProvider.load({ modelDir: shippedModelDir, cacheStrategy: s }),
        ] as const,
    ),
  ),
) as Record<CacheStrategy, OnnxLogitsProvider>;

const rows = [];
for (const window of [8, 16, 32]) {
  const totals: Record<
    CacheStrategy,
    { ms: number; providerMs: number; steps: number; tokens: number[] }
  > = {
    trim: { ms: 0, providerMs: 0, steps: 0, tokens: [] },
    mask: { ms: 0, providerMs: 0, steps: 0, tokens: [] },
  };
  for (const caption of captions) {
    for (const seed of seeds) {
      for (const strategy of seed % 2 ? strategies : [...strategies].reverse()) {
        const model = models[strategy];
        const prompt = encodePrompt(model.manifest, caption);
        const started = performance.now();
        const result = await generate({
          provider: model,
          prompt: prompt.conditional,
          unconditionalPrompt: prompt.unconditional,
          seed,
          sampling: model.manifest.sampling,
          decoding: { method: 'sjd', window, init: 'vertical' },
        });
        totals[strategy].ms += performance.now() - started;
        totals[strategy].providerMs += result.statistics.providerMs;
        totals[strategy].steps += result.statistics.steps;
        totals[strategy].tokens.push(...result.images[0]!.tokens);
      }
    }
  }
  const images = captions.length * seeds.length;
  const same = totals.trim.tokens.every((t, i) => t === totals.mask.tokens[i]);
  for (const strategy of strategies) {
    const t = totals[strategy];
    rows.push({
      strategy,
      window,
      images,
      msPerImage: t.ms / images,
      modelMsPerStep: t.providerMs / t.steps,
      relativeToTrim: t.ms / totals.trim.ms,
      sameTokensAsTrim: same,
    });
  }
}
console.table(
  rows.map((r) => ({
    strategy: r.strategy,
    window: r.window,
    'ms/image': r.msPerImage.toFixed(0),
    'model ms/step': r.modelMsPerStep.toFixed(2),
    'vs trim': `${r.relativeToTrim.toFixed(3)}×`,
    'same tokens': r.sameTokensAsTrim,
  })),
);
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/kv-cache.json`, `${JSON.stringify(rows, null, 2)}\n`);
for (const model of Object.values(models)) await model.release();
