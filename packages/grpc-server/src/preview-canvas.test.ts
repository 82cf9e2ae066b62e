import { describe, expect, it } from 'vitest';
import { PreviewCanvas } from './preview-canvas.js';

describe('PreviewCanvas', () => {
  it('shows committed cells and code 0 elsewhere, skipping end-of-row tokens', () => {
    const canvas = new PreviewCanvas({
      gridWidth: 2,
      gridHeight: 2,
      imageTokens: { start: 10, count: 5 },
      endOfRowToken: 3,
    });
    canvas.commit(0, Int32Array.of(12, 13, 3));
    expect(Array.from(canvas.codes())).toEqual([2, 3, 0, 0]);
    expect([canvas.committedTokens, canvas.complete]).toEqual([3, false]);
    canvas.commit(3, Int32Array.of(14, 11, 3));
    expect(Array.from(canvas.codes())).toEqual([2, 3, 4, 1]);
    expect(canvas.complete).toBe(true);
    canvas.reset();
    expect(Array.from(canvas.codes())).toEqual([0, 0, 0, 0]);
  });
});
