import { describe, expect, it } from 'vitest';
import { pointMass } from '../processing/distribution.js';
import type { ImageLayout } from '../provider/image-layout.js';
import { SeededRandom } from '../random/seeded-random.js';
import { AdaptiveWindow, defaultRelativeCost } from './adaptive-window.js';
import { coupledRedraft } from './coupled-redraft.js';
import { DraftInitializer } from './draft-initializers.js';

const LAYOUT: ImageLayout = {
  gridWidth: 4,
  gridHeight: 4,
  imageTokens: { start: 10, count: 8 },
  endOfRowToken: null,
};

describe('DraftInitializer', () => {
  const committed: number[] = [];
  const tokenAt = (p: number) => committed[p];

  it('random draws only allowed tokens, as point masses', () => {
    const init = new DraftInitializer('random', LAYOUT, new SeededRandom(1));
    for (let i = 0; i < 200; i++) {
      const d = init.draft(0, tokenAt);
      expect(d.token).toBeGreaterThanOrEqual(10);
      expect(d.token).toBeLessThan(18);
      expect(d.proposal).toBeNull();
    }
  });

  it('above-distribution samples from the target the position above was committed under, and carries it as q', () => {
    const init = new DraftInitializer('above-distribution', LAYOUT, new SeededRandom(2));
    const target = { ids: Int32Array.of(11, 12), probs: Float64Array.of(0.5, 0.5) };
    init.commit(1, 11, target, tokenAt);
    const d = init.draft(5, tokenAt);
    expect([11, 12]).toContain(d.token);
    expect(d.proposal).toBe(target);
  });

  it('context-frequency predicts what followed the same (left, above) pair, else copies above', () => {
    const init = new DraftInitializer('context-frequency', LAYOUT, new SeededRandom(3));
    committed.length = 0;
    committed.push(10, 11, 10, 11, 12, 13, 12);
    init.commit(5, 13, null, tokenAt); // left 12, above 11 → 13
    // Position 7: left (6) is 12, above (3) is 11: the same pair, so 13 rather than the 11 above.
    expect(init.draft(7, tokenAt).token).toBe(13);
    // Position 6 has left 13 (5), above 10 (2): never seen, so it copies the token above.
    committed.length = 6;
    expect(init.draft(6, tokenAt).token).toBe(10);
  });

  it('vertical falls back to horizontal on the first row, then random', () => {
    const init = new DraftInitializer('vertical', LAYOUT, new SeededRandom(4));
    committed.length = 0;
    committed.push(15);
    expect(init.draft(1, tokenAt).token).toBe(15);
  });
});

describe('coupledRedraft', () => {
  it('keeps the old draft with probability min(1, P(d)/q(d)) and has marginal P', () => {
    const random = new SeededRandom(5);
    const target = { ids: Int32Array.of(1, 2, 3), probs: Float64Array.of(0.2, 0.5, 0.3) };
    const counts = [0, 0, 0, 0];
    let kept = 0;
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const d = coupledRedraft({ token: 2, proposal: null }, target, random);
      counts[d.token]!++;
      if (d.token === 2) kept++;
      expect(d.proposal).toBe(target);
    }
    expect(kept / n).toBeCloseTo(0.5, 1);
    expect(counts[1]! / n).toBeCloseTo(0.2, 1);
    expect(counts[3]! / n).toBeCloseTo(0.3, 1);
    const same = coupledRedraft({ token: 3, proposal: pointMass(3) }, pointMass(3), random);
    expect(same.token).toBe(3);
  });
});

describe('AdaptiveWindow', () => {
  it('grows the window when drafts are accepted and shrinks it when they are not', () => {
    const good = new AdaptiveWindow(defaultRelativeCost, 64);
    for (let i = 0; i < 50; i++) good.record(32, 32);
    const bad = new AdaptiveWindow(defaultRelativeCost, 64);
    for (let i = 0; i < 50; i++) bad.record(1, 0);
    expect(good.next(1000)).toBeGreaterThanOrEqual(32);
    expect(bad.next(1000)).toBeLessThanOrEqual(2);
    expect(good.next(5)).toBe(5);
  });
  it('prefers small windows when a forward pass grows expensive with its length', () => {
    const w = new AdaptiveWindow((n) => n, 64);
    for (let i = 0; i < 50; i++) w.record(8, 4);
    expect(w.next(1000)).toBeLessThanOrEqual(4);
  });
});
