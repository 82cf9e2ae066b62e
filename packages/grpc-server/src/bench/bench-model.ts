/**
 * Which model the server benchmarks run: `--model <name|folder>` (a shipped model's name, or
 * a folder), else `SJD_MODEL_DIR`, else shapes-v2; and the request's caption for it.
 */
import { fileURLToPath } from 'node:url';
import { shippedModelDir } from '@sjd/shapes';

/** Shipped models by name; their folders sit beside this package in the repository. */
const SHIPPED: Readonly<Record<string, string>> = {
  'shapes-v2': shippedModelDir,
  'fashion-v1': fileURLToPath(new URL('../../../fashion/model', import.meta.url)),
};

/** The model folder named by `argv`'s `--model`, `SJD_MODEL_DIR` or the default. */
export function benchModelDir(argv: readonly string[] = process.argv): string {
  const at = argv.indexOf('--model');
  const name = at > 0 ? argv[at + 1] : undefined;
  if (name === undefined) return process.env['SJD_MODEL_DIR'] ?? shippedModelDir;
  return SHIPPED[name] ?? name;
}

/** A caption the model's family understands (by the manifest's name prefix). */
export function benchCaption(modelName: string): string {
  return modelName.startsWith('fashion-') ? 'a sneaker' : 'a large red circle in the centre';
}
