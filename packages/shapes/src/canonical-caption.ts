import { sceneToCaption } from './caption.js';
import { parseCaption } from './parse-caption.js';

/**
 * The shipped model was trained on captions whose shapes are listed in reading order of
 * their cells (top left first). A caption in another order means the same scene but is
 * unlike anything the model saw, and it draws the wrong picture. For that model, rewrite a
 * caption to its canonical order; other models' captions pass through unchanged.
 */
export function canonicalCaption(modelName: string, caption: string): string {
  if (!modelName.startsWith('shapes-')) return caption;
  try {
    return sceneToCaption(parseCaption(caption));
  } catch {
    return caption; // not in the grammar: the prompt encoder reports unknown words
  }
}
