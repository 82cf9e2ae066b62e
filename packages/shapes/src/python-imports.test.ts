import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// scripts/check-python-imports.py guards the promise that scripts/test.sh installs every Debian
// package whose Python modules the repository imports (the training pipeline here above all:
// Pillow once came only from a hand install). These tests run it on the real repository and on
// small repositories made for the test.
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const checker = join(repo, 'scripts/check-python-imports.py');
const packagesFile = join(repo, 'scripts/debian-packages.txt');
const python = '/usr/bin/python3';
const scratch = mkdtempSync(join(tmpdir(), 'sjd-python-imports-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function check(args: string[]) {
  const res = spawnSync(python, [checker, ...args], { encoding: 'utf8' });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

/** The package list less the named packages, written to a file of its own. */
function listWithout(...drop: string[]): string {
  const kept = readFileSync(packagesFile, 'utf8')
    .split('\n')
    .filter((line) => !drop.includes(line.replace(/#.*/, '').trim()));
  const file = join(scratch, `without-${drop.join('-')}.txt`);
  writeFileSync(file, kept.join('\n'));
  return file;
}

/** A git repository holding the given files, for the checker's --root. */
function repoWith(name: string, files: Record<string, string>): string {
  const root = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  git('init', '-q');
  git('add', '.');
  return root;
}

// Each run resolves the apt dependency closure and asks dpkg: seconds, not milliseconds.
describe.skipIf(!existsSync(python))('check-python-imports.py', { timeout: 120_000 }, () => {
  it('passes on the repository with the packages scripts/test.sh installs', () => {
    const { status, output } = check([]);
    expect(output).toContain('every Python import');
    expect(status).toBe(0);
  });

  it('fails, naming the file, module and package, when python3-pil leaves the list', () => {
    // PIL is imported inside a function in the pipeline's sampling.py: the case that broke fresh clones.
    const { status, output } = check(['--packages', listWithout('python3-pil')]);
    expect(status).toBe(1);
    expect(output).toMatch(/packages\/shapes\/train\/sampling\.py:\d+: module 'PIL'/);
  });

  it('fails when the grpc client dependency leaves the list', () => {
    const { status, output } = check(['--packages', listWithout('python3-grpcio')]);
    expect(status).toBe(1);
    expect(output).toMatch(/examples\/python\/sjd_client\.py:\d+: module 'grpc'/);
  });

  it('skips the standard library, sibling modules, relative imports and our own protobuf stubs', () => {
    const root = repoWith('local', {
      'pkg/main.py':
        'import json\nimport helper\nfrom . import other\ndef f():\n    from sjd.v1 import sjd_pb2\n',
      'pkg/helper.py': 'import os\n',
      'proto/sjd/v1/sjd.proto': 'syntax = "proto3";\n',
    });
    const { status, output } = check(['--root', root]);
    expect(output).toContain('every Python import of 2 files');
    expect(status).toBe(0);
  });

  it('takes the modules of a folder named in a "# python-path:" comment as local (fashion imports the shapes pipeline)', () => {
    const root = repoWith('python-path', {
      'a/train.py': '# python-path: ../shared  (put on sys.path)\nimport shared_helper\n',
      'b/train.py': 'import shared_helper\n',
      'shared/shared_helper.py': 'import os\n',
    });
    const { status, output } = check(['--root', root]);
    expect(status).toBe(1);
    expect(output).toContain("b/train.py:1: module 'shared_helper' is not installed");
    expect(output).not.toContain('a/train.py');
  });

  it('flags a module that is not installed at all, at any nesting depth', () => {
    const root = repoWith('absent', {
      'tool.py': 'def main():\n    if True:\n        import sjd_no_such_module_anywhere\n',
    });
    const { status, output } = check(['--root', root]);
    expect(status).toBe(1);
    expect(output).toContain("tool.py:3: module 'sjd_no_such_module_anywhere' is not installed");
  });
});
