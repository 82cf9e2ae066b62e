import type { CostPoint } from '@sjd/core';
import {
  type JanusDtypeOption,
  JanusFamilyModel,
  type JanusImageModel,
  janusRecognition,
  readJanusFolderInfo,
} from '@sjd/onnx-common';
import type { ExecutionProvider } from '../create-inference-session.js';
import type { NodeImageModel, NodeModelFamily } from '../node-load-options.js';
import { loadJanusModel } from './load-janus-model.js';

/**
 * A Janus folder loaded on onnxruntime-node as every entry point sees a model: the shared
 * {@link JanusFamilyModel} plus the Node members (folder, execution provider, calibration).
 */
export class NodeJanusModel extends JanusFamilyModel implements NodeImageModel {
  constructor(
    janus: JanusImageModel,
    info: { name: string; pixelWidth: number; pixelHeight: number },
    readonly modelDir: string,
    readonly executionProvider: ExecutionProvider,
  ) {
    super(janus, info);
  }

  /** Times forward passes for `window: 'auto'` (Janus' own `calibrate`). */
  calibrate(): Promise<void> {
    return this.janus.calibrate();
  }

  get calibrated(): boolean {
    return this.janus.calibrated;
  }

  get costProfile(): readonly CostPoint[] {
    return this.janus.costProfile;
  }
}

/**
 * The Janus / Janus-Pro family (transformers.js layout, `config.json` `model_type`
 * `multi_modality`) on onnxruntime-node, for `loadModel`. `dtype` is one dtype or one per
 * sub-model (`{ language_model: 'q4' }`); `maxBatchRows` does not apply (each generation
 * runs its own forward passes).
 */
export const janusNodeFamily: NodeModelFamily = {
  ...janusRecognition,
  async load(folder, settings) {
    const janus = await loadJanusModel(folder.location, {
      executionProvider: settings.executionProvider,
      cacheStrategy: settings.cacheStrategy,
      ...(settings.dtype === undefined ? {} : { dtype: settings.dtype as JanusDtypeOption }),
      ...(settings.threads === undefined ? {} : { threads: settings.threads }),
      ...(settings.costProfile === undefined ? {} : { costProfile: settings.costProfile }),
    });
    try {
      const info = await readJanusFolderInfo(folder, janus);
      return new NodeJanusModel(janus, info, folder.location, settings.executionProvider);
    } catch (error) {
      await janus.release();
      throw error;
    }
  },
};
