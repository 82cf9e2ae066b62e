import { fashionLabels } from '@sjd/fashion';
import { heldOutCaptions } from '@sjd/shapes';

const OPEN_VOCABULARY_EXAMPLES = [
  'a red fox in fresh snow',
  'a lighthouse on a cliff at sunset',
  'a bowl of ripe cherries on a wooden table',
  'an astronaut riding a horse, oil painting',
];

/**
 * Example captions for the prompt box. For a shapes model: the first held-out evaluation
 * captions of `@sjd/shapes` (a balanced mix of one, two and three shapes the model never saw
 * in training). For `fashion-*`: the ten class prompts. For a model without a name of its
 * own (an open-vocabulary Janus folder): a few free-text prompts. Computed at build time in
 * Node, because `@sjd/shapes` reads the file system.
 */
export function exampleCaptions(count = 12, modelName: string | undefined = 'shapes-v2'): string[] {
  if (modelName === undefined) return OPEN_VOCABULARY_EXAMPLES.slice(0, count);
  if (modelName.startsWith('fashion-')) return fashionLabels.slice(0, count);
  return heldOutCaptions().slice(0, count);
}
