import { type LoadModelOptions, loadModel } from '@sjd/backend-node';
import type { ImageModel } from './image-model.js';

/**
 * Loads model folders (of any family `loadModel` recognises) with onnxruntime-node, one
 * after another; if one fails, the ones
 * already loaded are released and the `ModelLoadError` is thrown.
 */
export async function loadModelFolders(
  dirs: readonly string[],
  options: Omit<LoadModelOptions, 'modelDir'> = {},
): Promise<ImageModel[]> {
  const models: ImageModel[] = [];
  try {
    for (const modelDir of dirs) models.push(await loadModel({ ...options, modelDir }));
    return models;
  } catch (error) {
    await Promise.allSettled(models.map((m) => m.release()));
    throw error;
  }
}
