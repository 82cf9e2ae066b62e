import { webJanusFamily } from './janus-web-family.js';
import {
  type LoadWebModelOptions,
  loadWebModelWith,
  type WebImageModel,
  type WebModelFamily,
  webSjdModelFamily,
} from './web-logits-provider.js';

/** The families {@link loadWebModel} recognises, in the order it asks them. */
export const WEB_MODEL_FAMILIES: readonly WebModelFamily[] = [webSjdModelFamily, webJanusFamily];

/**
 * Fetches a model folder of any family this package knows ({@link WEB_MODEL_FAMILIES}) from
 * the page's origin and opens it: the folder is recognised by its files (`manifest.json`:
 * `sjd-model`; `config.json` with `model_type` `multi_modality`: `janus`), then its family loads it. Throws `InvalidArgumentError` (a bad option),
 * `ModelLoadError` naming the URL at fault (`unknown-family` when no family recognises the
 * folder), `ExecutionProviderError`.
 *
 * @example
 * const model = await loadWebModel({ modelUrl: './model/', wasmPaths: '/ort/' });
 * const prompt = model.encodePrompt(model.prepareCaption('a large red circle in the centre'));
 */
export function loadWebModel(options: LoadWebModelOptions): Promise<WebImageModel> {
  return loadWebModelWith(WEB_MODEL_FAMILIES, options);
}
