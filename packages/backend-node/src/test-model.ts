import { shippedModelDir } from '@sjd/shapes';

/** The model folder the backend tests run on: the shipped model, or `SJD_MODEL_DIR`. */
export const testModelDir = process.env['SJD_MODEL_DIR'] ?? shippedModelDir;
