import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'sjd-fashion-smoke-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The shared stages (tokenizer, trainer, exporter, manifest) are the shapes pipeline's, whose
// own smoke test covers them on RGB; this one covers what fashion adds: the IDX reader and
// 32x32 greyscale geometry through those stages, the classifier, FID and the manifest's extras.
describe('the fashion training pipeline (smoke: every stage on tiny settings)', () => {
  it('reads Fashion-MNIST, tokenizes 2x2 greyscale patches, trains, judges with its classifier, exports and writes a manifest', async () => {
    await promisify(execFile)('bash', ['train/run.sh'], {
      cwd: packageDir,
      env: { ...process.env, SMOKE: '1', WORK: work },
      maxBuffer: 1 << 26,
      timeout: 600_000,
    });
    const model = join(work, 'model');
    for (const file of ['decoder.onnx', 'vq-decoder.onnx', 'manifest.json']) {
      expect(existsSync(join(model, file)), file).toBe(true);
    }
    expect(existsSync(join(work, 'eval', 'classifier.onnx'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
    expect(manifest.name).toBe('fashion-v1');
    expect(manifest.image).toMatchObject({ gridWidth: 16, pixelWidth: 32 });
    expect(manifest.metrics.onnxMaxAbsLogitDiff).toBeLessThan(1e-3);
    expect(manifest.metrics.fid).toBeGreaterThanOrEqual(0);
    expect(manifest.metrics.fidFloor).toBeGreaterThanOrEqual(0);
  }, 600_000);
});
