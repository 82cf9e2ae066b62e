import type { DecodingMethod, DraftInit } from '@sjd/backend-node';
import { heldOutCaptions } from '@sjd/shapes';

/** One decoding configuration the benchmark measures. */
export interface MethodConfig {
  readonly method: DecodingMethod;
  readonly window: number;
  readonly init: DraftInit | null;
}

/** Vanilla AR (the baseline), greedy Jacobi, and SJD with every initialiser at L ∈ {8, 16, 32}. */
export function methodConfigs(quick: boolean): MethodConfig[] {
  const configs: MethodConfig[] = [
    { method: 'ar', window: 1, init: null },
    { method: 'jacobi', window: 16, init: 'vertical' },
  ];
  const windows = quick ? [16] : [8, 16, 32];
  for (const init of ['random', 'horizontal', 'vertical'] as const) {
    for (const window of windows) configs.push({ method: 'sjd', window, init });
  }
  return configs;
}

/** The fixed prompt set: the first held-out captions (mixing 1, 2 and 3 shapes) × seeds. */
export function benchPrompts(quick: boolean): { captions: string[]; seeds: number[] } {
  return {
    captions: heldOutCaptions().slice(0, quick ? 6 : 20),
    seeds: quick ? [1, 2] : [1, 2, 3, 4],
  };
}

export function configLabel(c: MethodConfig): string {
  return c.method === 'ar' ? 'ar' : `${c.method} L=${c.window}${c.init ? ` ${c.init}` : ''}`;
}
