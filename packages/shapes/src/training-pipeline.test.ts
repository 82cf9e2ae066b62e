import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseModelManifest } from '@sjd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { shippedModelDir } from './model-dir.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'sjd-train-smoke-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the training pipeline (smoke: every stage on tiny settings)', () => {
  it('makes data, fits the tokenizer, trains, evaluates, exports ONNX that onnxruntime loads, and writes a manifest', async () => {
    await promisify(execFile)('bash', ['train/run.sh'], {
      cwd: packageDir,
      env: { ...process.env, SMOKE: '1', SKIP_TS_BUILD: '1', WORK: work },
      maxBuffer: 1 << 26,
      timeout: 600_000,
    });
    const model = join(work, 'model');
    for (const file of ['decoder.onnx', 'vq-decoder.onnx', 'manifest.json']) {
      expect(existsSync(join(model, file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('sjd-model');
    expect(manifest.metrics.onnxMaxAbsLogitDiff).toBeLessThan(1e-3);
    // What the exporter wrote (and checked with Python) the runtime accepts, with the
    // grammar's clause order, as in the shipped manifest.
    const shipped = JSON.parse(readFileSync(join(shippedModelDir, 'manifest.json'), 'utf8'));
    expect(parseModelManifest(manifest, 'smoke').prompt.clauseOrder).toEqual(
      shipped.prompt.clauseOrder,
    );
  }, 600_000);
});
