import { describe, expect, it } from 'vitest';
import { stepColour } from './step-colour.js';

describe('stepColour', () => {
  it('gives consecutive steps clearly different colours', () => {
    const hue = (step: number) => Number(/hsl\((\d+)/.exec(stepColour(step))![1]);
    for (let step = 0; step < 300; step++) {
      const gap = Math.abs(hue(step) - hue(step + 1));
      expect(Math.min(gap, 360 - gap)).toBeGreaterThan(90);
      expect(stepColour(step)).not.toBe(stepColour(step + 1));
    }
  });
});
