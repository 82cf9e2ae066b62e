import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecodingMethod, DraftInit, Redraft } from '@sjd/backend-node';
import { fashionLabels, fashionModelDir } from '@sjd/fashion';
import { heldOutCaptions, shippedModelDir } from '@sjd/shapes';

/** One decoding configuration the benchmark measures. */
export interface MethodConfig {
  readonly method: DecodingMethod | 'transformers.js';
  readonly window: number | 'auto';
  readonly init: DraftInit | null;
  readonly redraft?: Redraft;
  /** Overrides the model's recommended CFG scale (the transformers.js comparison runs without CFG). */
  readonly cfgScale?: number;
  /** SJD's proactive branches per step (`decoding.branches`); absent: 0. */
  readonly branches?: number;
}

/**
 * Vanilla AR (the baseline), greedy Jacobi, the paper's SJD with every initialiser at
 * L ∈ {8, 16, 32}, and the lossless upgrades past the paper, alone and combined.
 */
export function methodConfigs(quick: boolean): MethodConfig[] {
  const configs: MethodConfig[] = [
    { method: 'ar', window: 1, init: null },
    { method: 'jacobi', window: 16, init: 'vertical' },
  ];
  const windows = quick ? [16] : [8, 16, 32];
  for (const init of ['random', 'horizontal', 'vertical'] as const) {
    if (quick && init === 'horizontal') continue;
    for (const window of windows) configs.push({ method: 'sjd', window, init });
  }
  const sjd = (window: number | 'auto', init: DraftInit, redraft: Redraft): MethodConfig => ({
    method: 'sjd',
    window,
    init,
    redraft,
  });
  if (quick) {
    configs.push(sjd(16, 'vertical', 'coupled'), sjd(32, 'above-distribution', 'coupled'));
    return configs;
  }
  configs.push(
    // each option alone (against sjd L=16 random)
    sjd(16, 'random', 'coupled'),
    sjd(16, 'above-distribution', 'independent'),
    sjd(16, 'context-frequency', 'independent'),
    sjd('auto', 'random', 'independent'),
    // combined
    sjd(16, 'vertical', 'coupled'),
    sjd(32, 'vertical', 'coupled'),
    sjd(16, 'above-distribution', 'coupled'),
    sjd(32, 'above-distribution', 'coupled'),
    sjd(32, 'context-frequency', 'coupled'),
    sjd('auto', 'above-distribution', 'coupled'),
  );
  return configs;
}

/**
 * `--plan pac` (issue 13, SJD-PAC's proactive drafting as extra batch rows): vanilla AR, the
 * paper's SJD (random, L = 16), the best exact mode of the full plan on fashion-v1 (L = 16,
 * above-distribution, coupled), and that mode with 1, 3 and 7 branches; the paper's SJD
 * with 3 branches, to show what branches alone buy; and the longer coupled vertical windows
 * (L = 32, 64), the most compressive family, with and without 3 branches.
 */
export function pacConfigs(): MethodConfig[] {
  const best = {
    method: 'sjd',
    window: 16,
    init: 'above-distribution',
    redraft: 'coupled',
  } as const satisfies MethodConfig;
  return [
    { method: 'ar', window: 1, init: null },
    { method: 'sjd', window: 16, init: 'random' },
    { method: 'sjd', window: 16, init: 'random', branches: 3 },
    best,
    ...[1, 3, 7].map((branches) => ({ ...best, branches })),
    // The most compressive family of the full plan (longer windows), without and with branches.
    { method: 'sjd', window: 32, init: 'vertical', redraft: 'coupled' },
    { method: 'sjd', window: 32, init: 'vertical', redraft: 'coupled', branches: 3 },
    { method: 'sjd', window: 64, init: 'vertical', redraft: 'coupled', branches: 3 },
  ];
}

/**
 * The fixed prompt set. shapes: the first held-out captions (mixing 1, 2 and 3 shapes) ×
 * seeds. fashion: the ten class prompts, `passes` times over (each pass a round per class),
 * × seeds. `rounds` and `seeds` override the counts (a shorter run on a busy machine).
 */
export function benchPrompts(
  quick: boolean,
  model: 'shapes' | 'fashion' = 'shapes',
  override: { rounds?: number; seeds?: number } = {},
): { captions: string[]; seeds: number[] } {
  const rounds = override.rounds ?? (model === 'fashion' ? (quick ? 10 : 30) : quick ? 6 : 32);
  const seedCount = override.seeds ?? (quick ? 2 : 8);
  const pool =
    model === 'fashion'
      ? Array.from({ length: rounds }, (_, i) => fashionLabels[i % fashionLabels.length]!)
      : heldOutCaptions().slice(0, rounds);
  return { captions: [...pool], seeds: Array.from({ length: seedCount }, (_, i) => i + 1) };
}

/** A benchmarked model: its folder, its manifest name, and which prompt set and judge it takes. */
export interface BenchModel {
  readonly dir: string;
  readonly name: string;
  readonly kind: 'shapes' | 'fashion';
}

/**
 * `--model`: a shipped model's name (`shapes-v2`, `fashion-v1`) or a folder; undefined is
 * the default shipped model (shapes-v2). The kind follows the manifest's name.
 */
export function resolveBenchModel(model: string | undefined): BenchModel {
  const shipped: Record<string, string> = {
    'shapes-v2': shippedModelDir,
    'fashion-v1': fashionModelDir,
  };
  const dir = model === undefined ? shippedModelDir : (shipped[model] ?? model);
  const name = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { name: string })
    .name;
  return { dir, name, kind: name.startsWith('fashion-') ? 'fashion' : 'shapes' };
}

/**
 * The generation seed of a caption's `seed`-th sample: distinct per caption. With the same
 * seeds for every caption, a method's first random draws, and with them the choices every
 * caption shares (the background grey comes first), would repeat across captions, making
 * the per-caption diversities of one method move together rather than average out.
 */
export function seedFor(captionIndex: number, seed: number): number {
  return 1000 * (captionIndex + 1) + seed;
}

export function configLabel(c: MethodConfig): string {
  const cfg = c.cfgScale === undefined ? '' : ` (cfg ${c.cfgScale})`;
  if (c.method === 'ar' || c.method === 'transformers.js') return `${c.method}${cfg}`;
  const redraft = c.redraft === 'coupled' ? ' coupled' : '';
  const branches = c.branches ? ` +${c.branches} branch${c.branches === 1 ? '' : 'es'}` : '';
  return `${c.method} L=${c.window}${c.init ? ` ${c.init}` : ''}${redraft}${branches}${cfg}`;
}

/** The peer comparison: our vanilla AR and transformers.js, both without CFG. */
export function peerConfigs(): MethodConfig[] {
  return [
    { method: 'ar', window: 1, init: null, cfgScale: 1 },
    { method: 'transformers.js', window: 1, init: null, cfgScale: 1 },
  ];
}
