import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The fixtures are committed (a few hundred KB) so that installing, building and testing the
// JavaScript packages never needs torch. This test shows they are what build-fixtures.py
// writes: it rebuilds them in a temporary folder with Debian's torch (scripts/test.sh
// installs python3-torch and python3-onnx) and compares every file byte for byte.
const root = fileURLToPath(new URL('..', import.meta.url));
const python = '/usr/bin/python3';
const hasTorch = spawnSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('build-fixtures.py', () => {
  it.skipIf(!hasTorch)('reproduces the committed fixtures byte for byte', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'janus-fixtures-'));
    try {
      execFileSync(python, [path.join(root, 'build-fixtures.py'), out], { stdio: 'pipe' });
      const committed = path.join(root, 'fixtures');
      expect(files(out)).toEqual(files(committed));
      for (const file of files(committed)) {
        const same = readFileSync(path.join(out, file)).equals(
          readFileSync(path.join(committed, file)),
        );
        expect(same, `${file} differs from what build-fixtures.py writes`).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
