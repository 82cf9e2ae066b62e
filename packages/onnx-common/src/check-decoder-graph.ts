import type { ModelManifest } from '@sjd/core';
import type { InferenceSession } from 'onnxruntime-common';
import { ModelLoadError } from './model-load-error.js';

/**
 * Checks that a decoder graph has the inputs and outputs the manifest names, with the
 * head count, head size and vocabulary the manifest states where the graph fixes them.
 * Throws a `graph-mismatch` {@link ModelLoadError} naming `path` (a file path or URL).
 */
export function checkDecoderGraph(
  session: InferenceSession,
  manifest: ModelManifest,
  path: string,
): void {
  const mismatch = (message: string): never => {
    throw new ModelLoadError({ problem: 'graph-mismatch', path, message });
  };
  for (const name of manifest.decoder.inputs) {
    if (!session.inputNames.includes(name))
      mismatch(
        `the graph has no input "${name}" that manifest.json lists (graph inputs: ${session.inputNames.join(', ')})`,
      );
  }
  for (const name of manifest.decoder.outputs) {
    if (!session.outputNames.includes(name))
      mismatch(
        `the graph has no output "${name}" that manifest.json lists (graph outputs: ${session.outputNames.join(', ')})`,
      );
  }
  const shapeOf = (list: readonly InferenceSession.ValueMetadata[], name: string) => {
    const meta = list.find((m) => m.name === name);
    return meta?.isTensor ? meta.shape : undefined;
  };
  const past = shapeOf(session.inputMetadata ?? [], 'past_key_values.0.key');
  const { numKeyValueHeads, headDim } = manifest.decoder;
  if (past && typeof past[1] === 'number' && past[1] !== numKeyValueHeads) {
    mismatch(
      `past_key_values.0.key has ${past[1]} key/value heads, manifest.json says decoder.numKeyValueHeads = ${numKeyValueHeads}`,
    );
  }
  if (past && typeof past[3] === 'number' && past[3] !== headDim) {
    mismatch(
      `past_key_values.0.key has head size ${past[3]}, manifest.json says decoder.headDim = ${headDim}`,
    );
  }
  const logits = shapeOf(session.outputMetadata ?? [], 'logits');
  if (logits && typeof logits[2] === 'number' && logits[2] !== manifest.vocabulary.size) {
    mismatch(
      `logits has ${logits[2]} entries per position, manifest.json says vocabulary.size = ${manifest.vocabulary.size}`,
    );
  }
}
