import { InvalidArgumentError } from '@sjd/core';
import type { ImageModel } from './image-model.js';

/**
 * The `calibrate` load option, the same in every runtime: measures the step costs of a
 * model just loaded by `familyId`'s loader, or refuses when that family has no calibration.
 * Either failure releases the model before it is thrown, so a failed load leaves nothing open.
 */
export async function calibrateLoadedModel<M extends ImageModel & { calibrate?(): Promise<void> }>(
  model: M,
  familyId: string,
  calibrate: boolean,
): Promise<M> {
  if (!calibrate) return model;
  try {
    if (!model.calibrate) {
      throw new InvalidArgumentError({
        field: 'calibrate',
        allowed: `false: ${familyId} models have no step-cost calibration`,
        received: true,
      });
    }
    await model.calibrate();
    return model;
  } catch (error) {
    await model.release();
    throw error;
  }
}
