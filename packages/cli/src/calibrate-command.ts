import { writeFile } from 'node:fs/promises';
import { type ExecutionProvider, loadModel } from '@sjd/backend-node';
import type { CostProfileFile } from './cost-profile-file.js';
import { modelSearchPath, resolveModelDir } from './find-models.js';

export interface CalibrateFlags {
  readonly model?: string;
  readonly executionProvider: ExecutionProvider;
  readonly dtype?: string | Readonly<Record<string, string>>;
  readonly out?: string;
}

/**
 * `sjd calibrate`: times the model's forward passes by block length on this machine (about
 * a second) and writes them as JSON, for `sjd generate --window auto --cost-profile FILE`.
 */
export async function runCalibrate(flags: CalibrateFlags): Promise<void> {
  const modelDir = await resolveModelDir(flags.model, modelSearchPath());
  const model = await loadModel({
    modelDir,
    executionProvider: flags.executionProvider,
    ...(flags.dtype === undefined ? {} : { dtype: flags.dtype }),
    calibrate: true,
  });
  try {
    const file: CostProfileFile = {
      model: model.name,
      providerId: model.providerId,
      measuredAt: new Date().toISOString(),
      points: model.costProfile ?? [],
    };
    const json = `${JSON.stringify(file, null, 2)}\n`;
    if (flags.out === undefined) {
      process.stdout.write(json);
    } else {
      await writeFile(flags.out, json);
      const at = (n: number) => (model.relativeCost?.(n) ?? Number.NaN).toFixed(2);
      process.stdout.write(
        `sjd: step costs of ${file.model} on ${model.executionProvider}: t(16)/t(1) ${at(16)}, t(32)/t(1) ${at(32)} → ${flags.out}\n`,
      );
    }
  } finally {
    await model.release();
  }
}
