import { heldOutCaptions } from '@sjd/shapes';

/**
 * Example captions for the prompt box: the first held-out evaluation captions of
 * `@sjd/shapes` (a balanced mix of one, two and three shapes the model never saw in
 * training). Computed at build time in Node, because `@sjd/shapes` reads the file system.
 */
export function exampleCaptions(count = 12): string[] {
  return heldOutCaptions().slice(0, count);
}
