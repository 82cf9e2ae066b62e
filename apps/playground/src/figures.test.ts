import { describe, expect, it } from 'vitest';
import { formatFigures } from './figures.js';

describe('formatFigures', () => {
  it('shows dashes before the first step', () => {
    expect(formatFigures({ steps: 0, tokens: 0, lastBlock: 0, busyMs: 0 }, null)).toEqual({
      steps: '0',
      tokens: '0',
      lastBlock: '–',
      stepCompression: '–',
      time: '0 ms',
      speed: '–',
      speedup: '–',
    });
  });

  it('computes compression, speed and speed-up against vanilla cost per token', () => {
    const figures = formatFigures({ steps: 64, tokens: 256, lastBlock: 5, busyMs: 1280 }, 10);
    expect(figures).toMatchObject({
      stepCompression: '4.00×',
      time: '1280 ms',
      speed: '200 tokens/s',
      speedup: '2.00×',
      lastBlock: '5',
    });
    expect(
      formatFigures({ steps: 256, tokens: 256, lastBlock: 1, busyMs: 12_345 }, null),
    ).toMatchObject({ time: '12.3 s', speedup: '–' });
  });
});
