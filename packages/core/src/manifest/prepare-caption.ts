import type { ModelManifest } from './model-manifest.js';

/**
 * A caption as an `sjd-model`'s word-level tokenizer wants it: surrounding space and
 * trailing sentence punctuation (`.`, `!`, `?`) dropped, runs of spaces collapsed; and,
 * when the manifest declares `prompt.clauseOrder`, its clauses put in the order the model
 * was trained on (the shipped shapes models list shapes in reading order of their cells).
 * Idempotent. Words the model does not know are left for `encodePrompt` to report.
 */
export function prepareCaption(manifest: ModelManifest, caption: string): string {
  const plain = caption
    .trim()
    .replace(/[.!?]+$/, '')
    .trim()
    .replace(/\s+/g, ' ');
  const order = manifest.prompt.clauseOrder;
  return order ? orderClauses(plain, order) : plain;
}

/**
 * Splits the caption at the joiner word, and when every clause ends with a different one
 * of `byEnding` (compared after the tokenizer's lowercasing), sorts the clauses by it; a
 * caption that does not fit passes through unchanged.
 */
function orderClauses(
  caption: string,
  order: NonNullable<ModelManifest['prompt']['clauseOrder']>,
): string {
  const words = caption.split(' ');
  const clauses: string[][] = [[]];
  for (const word of words) {
    if (word.toLowerCase() === order.joiner) clauses.push([]);
    else clauses.at(-1)!.push(word);
  }
  const endings = order.byEnding.map((ending) => ending.split(' '));
  const ranked: { clause: string[]; rank: number }[] = [];
  const seen = new Set<number>();
  for (const clause of clauses) {
    let rank = -1;
    let matched = 0;
    endings.forEach((ending, i) => {
      if (ending.length <= matched || ending.length >= clause.length) return;
      const tail = clause.slice(clause.length - ending.length);
      if (tail.every((w, k) => w.toLowerCase() === ending[k])) {
        rank = i;
        matched = ending.length;
      }
    });
    if (rank < 0 || seen.has(rank)) return caption;
    seen.add(rank);
    ranked.push({ clause, rank });
  }
  ranked.sort((a, b) => a.rank - b.rank);
  return ranked.map((r) => r.clause.join(' ')).join(` ${order.joiner} `);
}
