import { recogniseModelFamily } from '@sjd/onnx-common';
import { janusNodeFamily } from './janus/janus-node-family.js';
import {
  checkNodeLoadOptions,
  type LoadModelOptions,
  loadWith,
  type NodeImageModel,
  type NodeModelFamily,
} from './node-load-options.js';
import { nodeModelFolder } from './node-model-folder.js';
import { sjdModelFamily } from './onnx-logits-provider.js';

/** The families {@link loadModel} recognises, in the order it asks them. */
export const NODE_MODEL_FAMILIES: readonly NodeModelFamily[] = [sjdModelFamily, janusNodeFamily];

/**
 * Loads a model folder of any family this package knows ({@link NODE_MODEL_FAMILIES}): the
 * folder is recognised by its files (`manifest.json`: `sjd-model`; `config.json` with
 * `model_type` `multi_modality`: `janus`), then its family loads
 * it. Throws `InvalidArgumentError` for a bad option, `ModelLoadError` naming the file at
 * fault (`unknown-family` when no family recognises the folder), `ExecutionProviderError`.
 *
 * @example
 * const model = await loadModel({ modelDir: './my-model' });
 * const prompt = model.encodePrompt(model.prepareCaption('a large red circle'));
 */
export async function loadModel(options: LoadModelOptions): Promise<NodeImageModel> {
  const settings = checkNodeLoadOptions(options);
  const folder = await nodeModelFolder(options.modelDir);
  const family = await recogniseModelFamily(folder, NODE_MODEL_FAMILIES);
  return loadWith(family, folder, settings, options.calibrate === true);
}
