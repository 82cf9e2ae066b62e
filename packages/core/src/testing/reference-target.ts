import type { ChainSettings } from '../processing/logits-chain.js';
import type { TokenRange } from '../provider/image-layout.js';

/**
 * A deliberately plain implementation of the target distribution (CFG mix, mask,
 * temperature, top-k, top-p, softmax) with a full sort, in float64. It shares no code with
 * the optimised chain, so the tests can hold one against the other. Returns token → prob.
 */
export function referenceTarget(
  conditional: ArrayLike<number>,
  unconditional: ArrayLike<number> | null,
  allowed: readonly TokenRange[],
  settings: ChainSettings,
): Map<number, number> {
  let entries: { id: number; logit: number }[] = [];
  for (const range of allowed) {
    for (let id = range.start; id < range.start + range.count; id++) {
      const c = conditional[id]!;
      const logit =
        unconditional && settings.cfgScale !== 1
          ? unconditional[id]! + settings.cfgScale * (c - unconditional[id]!)
          : c;
      entries.push({ id, logit });
    }
  }
  entries.sort((a, b) => b.logit - a.logit || a.id - b.id);
  if (settings.temperature === 0) return new Map([[entries[0]!.id, 1]]);
  entries = entries.map((e) => ({ id: e.id, logit: e.logit / settings.temperature }));
  if (settings.topK > 0 && settings.topK < entries.length) {
    const threshold = entries[settings.topK - 1]!.logit;
    entries = entries.filter((e) => e.logit >= threshold);
  }
  if (settings.topP < 1) {
    const probs = softmax(entries.map((e) => e.logit));
    let cumulative = 0;
    let last = entries.length - 1;
    for (let i = 0; i < entries.length; i++) {
      cumulative += probs[i]!;
      if (cumulative >= settings.topP) {
        last = i;
        break;
      }
    }
    const threshold = entries[last]!.logit;
    entries = entries.filter((e) => e.logit >= threshold);
  }
  const probs = softmax(entries.map((e) => e.logit));
  return new Map(entries.map((e, i) => [e.id, probs[i]!]));
}

function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}
