import { describe, expect, it } from 'vitest';
import { pointMass, type TokenDistribution } from '../processing/distribution.js';
import type { ImageLayout } from '../provider/image-layout.js';
import { ProactiveBranches, topTokens } from './proactive-branches.js';

const layout: ImageLayout = {
  gridWidth: 3,
  gridHeight: 3,
  imageTokens: { start: 0, count: 8 },
  endOfRowToken: null,
};
const dist = (entries: Record<number, number>): TokenDistribution => {
  const ids = Object.keys(entries)
    .map(Number)
    .sort((a, b) => a - b);
  return { ids: Int32Array.from(ids), probs: Float64Array.from(ids, (id) => entries[id]!) };
};

describe('topTokens', () => {
  it('gives the most probable tokens with mass, other than the excluded one, ties to the lower id', () => {
    const d = dist({ 1: 0.1, 2: 0.4, 3: 0.1, 5: 0.4, 6: 0 });
    expect(topTokens(d, 2, 2)).toEqual([5, 1]);
    expect(topTokens(d, 10, 5)).toEqual([2, 1, 3]);
  });
});

describe('ProactiveBranches', () => {
  it("guesses from the committed neighbours' targets (above counts twice), never the draft", () => {
    const branches = new ProactiveBranches(2, layout);
    branches.commit(0, dist({ 1: 1 })); // above-left of 4
    branches.commit(1, dist({ 2: 0.6, 3: 0.4 })); // above
    branches.commit(2, dist({ 4: 1 })); // above-right
    branches.commit(3, dist({ 5: 0.9, 2: 0.1 })); // left
    // scores: 2 → 1.3, 3 → 0.8, 1 → 1, 4 → 1, 5 → 0.9
    expect(branches.tokens(4, { token: 7, proposal: null })).toEqual([2, 1]);
    expect(branches.tokens(4, { token: 2, proposal: null })).toEqual([1, 4]);
  });

  it("falls back to the draft's own proposal, and to nothing for a point mass", () => {
    const branches = new ProactiveBranches(3, layout);
    expect(branches.tokens(0, { token: 1, proposal: dist({ 1: 0.5, 2: 0.3, 4: 0.2 }) })).toEqual([
      2, 4,
    ]);
    expect(branches.tokens(0, { token: 1, proposal: pointMass(1) })).toEqual([]);
    expect(branches.tokens(0, { token: 1, proposal: null })).toEqual([]);
  });
});
