import type { ModelManifest } from '@sjd/core';
import { canonicalCaption } from '@sjd/shapes/canonical-caption';

/**
 * A caption as the model's word-level tokenizer wants it: surrounding space and trailing
 * sentence punctuation (`.`, `!`, `?`) dropped, runs of spaces collapsed, and for the
 * shipped shapes models the shapes put in the reading order the model was trained on.
 * Words the model does not know are left for `encodePrompt` to report.
 */
export function prepareCaption(manifest: ModelManifest, caption: string): string {
  const plain = caption
    .trim()
    .replace(/[.!?]+$/, '')
    .trim()
    .replace(/\s+/g, ' ');
  return canonicalCaption(manifest.name, plain);
}
