import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Each example runs as a user would run it: built to dist/, one node process.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sjd-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const run = async (example: string, ...args: string[]) =>
  (await promisify(execFile)(process.execPath, [join(dist, example), ...args])).stdout;

describe('the TypeScript examples run', () => {
  it('library.ts writes a 256×256 PNG in fewer forward passes than tokens', async () => {
    const out = join(scratch, 'library.png');
    const stdout = await run('library.js', out);
    expect(stdout).toMatch(/^256×256 PNG → .*: 256 tokens in (\d+) forward passes/);
    expect(Number(/in (\d+) forward passes/.exec(stdout)![1])).toBeLessThan(256);
    expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
  });

  it('streaming.ts decodes with vanilla AR (256 passes) and SJD (fewer)', async () => {
    const stdout = await run('streaming.js');
    expect(stdout).toMatch(/^ar: 256 token blocks, 256 tokens in 256 forward passes/m);
    const sjd = /^sjd: (\d+) token blocks, 256 tokens in (\d+) forward passes/m.exec(stdout);
    expect(sjd).not.toBeNull();
    expect(Number(sjd![2])).toBeLessThan(256);
  });

  it('server-and-client.ts serves the shipped model and streams one image', async () => {
    const stdout = await run('server-and-client.js');
    expect(stdout).toMatch(/^serving shapes-v2 on port \d+/m);
    expect(stdout).toMatch(/^sjd L=16 above-distribution/m);
    expect(stdout).toMatch(/^image 0: \d+ PNG bytes, 256 tokens in \d+ steps/m);
  });
});
