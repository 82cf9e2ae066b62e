import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OnnxLogitsProvider } from '@sjd/backend-node';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAPTION,
  loadTestModel,
  startTestServer,
  type TestServer,
} from './test-support/test-server.js';

const PYTHON = '/usr/bin/python3';
const example = fileURLToPath(new URL('../../../examples/python/sjd_client.py', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sjd-python-'));

let model: OnnxLogitsProvider;
let t: TestServer;
beforeAll(async () => {
  model = await loadTestModel();
  t = await startTestServer({ models: [model] });
});
afterAll(async () => {
  await t?.close();
  await model?.release();
  rmSync(scratch, { recursive: true, force: true });
});

function python(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      PYTHON,
      [example, '--address', t.address, '--stubs', join(scratch, 'stubs'), ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe('examples/python/sjd_client.py', () => {
  it('streams a generation and saves the PNG', async () => {
    const out = join(scratch, 'circle.png');
    const { code, stdout, stderr } = await python(
      '--prompt',
      CAPTION,
      '--seed',
      '7',
      '--init',
      'vertical',
      '--out',
      out,
    );
    if (code !== 0 && /No module named 'grpc'|protoc: not found|No such file/.test(stderr)) {
      throw new Error(
        `the Python client needs python3-grpcio, python3-protobuf and protobuf-compiler (apt): ${stderr}`,
      );
    }
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/seed 7/);
    expect(stdout).toMatch(/done: \d+ tokens in \d+ steps/);
    expect(existsSync(out)).toBe(true);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([
      model.manifest.image.pixelWidth,
      model.manifest.image.pixelHeight,
    ]);
    expect(t.requests().at(-1)).toMatchObject({ outcome: 'OK', seed: 7 });
  });

  it('exits 2 naming the field the server rejected', async () => {
    const { code, stderr } = await python(
      '--prompt',
      CAPTION,
      '--top-p',
      '1.5',
      '--out',
      join(scratch, 'bad.png'),
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/INVALID_ARGUMENT: .*sampling\.top_p.*\(field sampling\.top_p\)/);
  });
});
