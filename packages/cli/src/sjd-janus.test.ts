import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { janusFixturePath } from '@sjd/janus-fixtures';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';

// The CLI on a Janus folder in the transformers.js layout (the tiny random-weight fixture:
// 4×4 image tokens, 16×16 px), as a user types it for a downloaded Janus-Pro folder.
const sjd = fileURLToPath(new URL('../dist/sjd.js', import.meta.url));
const tiny = janusFixturePath('janus-tiny');
const scratch = mkdtempSync(join(tmpdir(), 'sjd-cli-janus-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [sjd, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('sjd generate --model <Janus folder>', () => {
  it('writes an image of the folder size, the same for the same seed', async () => {
    const images: Buffer[] = [];
    for (const name of ['a.png', 'b.png']) {
      const out = join(scratch, name);
      const { code, stdout, stderr } = await run(
        'generate',
        'a red fox in fresh snow.',
        '--model',
        tiny,
        '--seed',
        '5',
        '--out',
        out,
      );
      expect(code, stderr).toBe(0);
      expect(stderr).not.toMatch(/note:/);
      expect(stdout).toMatch(/16 tokens in \d+ steps/);
      const png = PNG.sync.read(readFileSync(out));
      expect([png.width, png.height]).toEqual([16, 16]);
      images.push(png.data);
    }
    expect(images[0]!.equals(images[1]!)).toBe(true);
  });

  it('--dtype takes one dtype or sub-model=dtype pairs; a bad one is exit 2 naming --dtype', async () => {
    for (const dtype of ['fp16', 'language_model=fp16,gen_head=fp16']) {
      const out = join(scratch, 'dtype.png');
      const { code, stderr } = await run(
        'generate',
        'a cat',
        '--model',
        tiny,
        '--dtype',
        dtype,
        '--out',
        out,
      );
      expect(code, stderr).toBe(0);
      expect(PNG.sync.read(readFileSync(out)).width).toBe(16);
    }
    const unknown = await run('generate', 'a cat', '--model', tiny, '--dtype', 'q3');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/invalid --dtype: expected fp32 \| fp16/);
    const subModel = await run('generate', 'a cat', '--model', tiny, '--dtype', 'decoder=q4');
    expect(subModel.code).toBe(2);
    expect(subModel.stderr).toMatch(/dtype\.decoder/);
    const malformed = await run('generate', 'a cat', '--model', tiny, '--dtype', 'language_model=');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/--dtype.*sub-model=dtype pairs/);
  });
});

describe('sjd calibrate --model <Janus folder>', () => {
  it('saves a step-cost profile that generate --window auto reads', async () => {
    const profile = join(scratch, 'janus-costs.json');
    const saved = await run('calibrate', '--model', tiny, '--out', profile);
    expect(saved.code, saved.stderr).toBe(0);
    expect(JSON.parse(readFileSync(profile, 'utf8'))).toMatchObject({ model: 'janus-tiny' });
    const out = join(scratch, 'auto.png');
    const auto = await run(
      'generate',
      'a cat',
      '--model',
      tiny,
      '--window',
      'auto',
      '--cost-profile',
      profile,
      '--out',
      out,
    );
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stdout).toMatch(/L=auto .*16 tokens/);
  });
});

describe('sjd models', () => {
  it('lists Janus folders beside sjd-model ones, by folder name, and a Janus name works as --model', async () => {
    const root = dirname(tiny);
    const { code, stdout } = await run('models', '--path', root);
    expect(code).toBe(0);
    expect(stdout).toMatch(/janus-tiny\t4×4 tokens\tvocab 16\t2 layers\tjanus\t/);
    expect(stdout).toMatch(/janus-enum\t2×2 tokens\tvocab 3\t/);
    const json = JSON.parse((await run('models', '--path', root, '--json')).stdout) as {
      name?: string;
      family?: string;
    }[];
    expect(json.filter((row) => row.family === 'janus').map((row) => row.name)).toEqual([
      'janus-enum',
      'janus-renamed',
      'janus-tiny',
    ]);
    const out = join(scratch, 'by-name.png');
    const byName = await promisify(execFile)(
      process.execPath,
      [sjd, 'generate', 'a cat', '--model', 'janus-tiny', '--out', out],
      { env: { ...process.env, SJD_MODEL_PATH: root } },
    );
    expect(byName.stdout).toMatch(/16 tokens/);
  });
});

describe('sjd serve --model <Janus folder> --dtype …', () => {
  it('loads the folder in the dtype asked for and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [
      sjd,
      'serve',
      '--port',
      '0',
      '--model',
      tiny,
      '--dtype',
      'language_model=fp16',
    ]);
    let log = '';
    const loaded = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('"models-loaded"')) resolve();
      });
      child.on('exit', () => reject(new Error(`exited before loading: ${log}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await loaded;
    expect(log).toContain('janus-tiny');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a dtype the folder lacks stops the server with exit 2 naming --dtype', async () => {
    const { code, stderr } = await run('serve', '--port', '0', '--model', tiny, '--dtype', 'q3');
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/dtype/);
  });
});
