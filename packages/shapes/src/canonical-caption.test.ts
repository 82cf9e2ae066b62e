import { describe, expect, it } from 'vitest';
import { canonicalCaption } from './canonical-caption.js';

describe('canonicalCaption', () => {
  it('lists a shapes model caption in reading order of its cells', () => {
    expect(
      canonicalCaption(
        'shapes-v1',
        'a large red circle in the centre and  a small blue square at the TOP left',
      ),
    ).toBe('a small blue square at the top left and a large red circle in the centre');
  });

  it('leaves other models and captions outside the grammar alone', () => {
    const caption = 'a large red circle in the centre and a small blue square at the top left';
    expect(canonicalCaption('another-model', caption)).toBe(caption);
    expect(canonicalCaption('shapes-v1', 'a cat on a mat')).toBe('a cat on a mat');
  });
});
