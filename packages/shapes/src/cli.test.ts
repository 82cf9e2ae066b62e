import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { IMAGE_BYTES } from './grammar.js';

const dist = fileURLToPath(new URL('../dist/cli/', import.meta.url));
const built = existsSync(join(dist, 'make-dataset.js')) && existsSync(join(dist, 'evaluate.js'));
const root = mkdtempSync(join(tmpdir(), 'sjd-shapes-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const node = (script: string, args: string[]) =>
  execFileSync(process.execPath, [join(dist, script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

// The CLIs run from dist/: `pnpm build` first (turbo's test task depends on build).
describe.skipIf(!built)('CLIs (from dist/)', () => {
  it('make-dataset writes the four files and evaluate scores them fully', () => {
    const out = join(root, 'held');
    node('make-dataset.js', ['--out', out, '--count', '400', '--seed', '5', '--split', 'heldout']);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta.count).toBe(400);
    expect(readFileSync(join(out, 'images.u8')).length).toBe(400 * IMAGE_BYTES);
    const result = JSON.parse(
      node('evaluate.js', [
        '--images',
        join(out, 'images.u8'),
        '--captions',
        join(out, 'captions.txt'),
        '--json',
      ]),
    );
    expect(result.count).toBe(400);
    expect(result.adherence).toBe(1);
    expect(result.perAttribute).toEqual({ colourPosition: 1, size: 1, kind: 1, count: 1 });
    // Every held-out caption appears twice (400 = 2 x 200), each time with its own drawn
    // appearance (background grey, offsets): the pair differs unless both draws agree.
    expect(Object.keys(result.diversityByCaption).length).toBe(200);
    expect(result.diversity).toBeGreaterThan(0.02);
    expect(result.diversity).toBeLessThan(0.1);
  });

  it('evaluate reports mismatched captions and fails on words outside the grammar', () => {
    const out = join(root, 'train');
    node('make-dataset.js', ['--out', out, '--count', '10', '--seed', '1', '--split', 'train']);
    const lines = readFileSync(join(out, 'captions.txt'), 'utf8').trimEnd().split('\n');
    const shifted = join(root, 'shifted.txt');
    writeFileSync(shifted, [...lines.slice(1), lines[0]].join('\n'));
    const text = node('evaluate.js', ['--images', join(out, 'images.u8'), '--captions', shifted]);
    expect(text).toMatch(/adherence: \d/);
    const bad = join(root, 'bad.txt');
    writeFileSync(bad, ['a large pink circle at the top', ...lines.slice(1)].join('\n'));
    expect(() =>
      node('evaluate.js', ['--images', join(out, 'images.u8'), '--captions', bad]),
    ).toThrowError(/pink/);
  });

  it('make-dataset rejects a bad split', () => {
    expect(() =>
      node('make-dataset.js', [
        '--out',
        join(root, 'x'),
        '--count',
        '1',
        '--seed',
        '1',
        '--split',
        'test',
      ]),
    ).toThrowError(/split/);
  });
});
