import { fashionLabels } from '@sjd/fashion';
import { heldOutCaptions } from '@sjd/shapes';

/**
 * Example captions for the prompt box. For a shapes model: the first held-out evaluation
 * captions of `@sjd/shapes` (a balanced mix of one, two and three shapes the model never saw
 * in training). For `fashion-*`: the ten class prompts. Computed at build time in Node,
 * because `@sjd/shapes` reads the file system.
 */
export function exampleCaptions(count = 12, modelName = 'shapes-v2'): string[] {
  if (modelName.startsWith('fashion-')) return fashionLabels.slice(0, count);
  return heldOutCaptions().slice(0, count);
}
