import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { shippedModelDir } from '@sjd/shapes';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';

const sjd = fileURLToPath(new URL('../dist/sjd.js', import.meta.url));
const modelDir = process.env['SJD_MODEL_DIR'] ?? shippedModelDir;
const scratch = mkdtempSync(join(tmpdir(), 'sjd-cli-'));
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

const CAPTION = 'a large red circle in the centre';

describe('sjd generate', () => {
  it('writes a PNG and prints a one-line summary', async () => {
    const out = join(scratch, 'one.png');
    const { code, stdout } = await run(
      'generate',
      CAPTION,
      '--model',
      modelDir,
      '--seed',
      '7',
      '--window',
      '16',
      '--out',
      out,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/256 tokens in \d+ steps, step compression \d+\.\d\d×, .* seed 7 →/);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([64, 64]);
  });

  it('numbers the files of several images', async () => {
    const out = join(scratch, 'many.png');
    const { code } = await run(
      'generate',
      CAPTION,
      '--model',
      modelDir,
      '--images',
      '2',
      '--method',
      'jacobi',
      '--out',
      out,
    );
    expect(code).toBe(0);
    expect(PNG.sync.read(readFileSync(join(scratch, 'many-1.png'))).width).toBe(64);
  });

  const bad: [string[], RegExp][] = [
    [['--top-p', '1.5'], /invalid --top-p: expected a number in \(0, 1\]/],
    [['--top-p', 'high'], /--top-p.*expected a number/],
    [['--top-k', '-3'], /invalid --top-k: expected an integer ≥ 0/],
    [['--window', '0'], /invalid --window: expected an integer in \[1, 1024\]/],
    [['--window', '2.5'], /--window.*expected an integer/],
    [['--branches', '16'], /invalid --branches: expected an integer in \[0, 15\]/],
    [['--temperature', '-1'], /invalid --temperature/],
    [['--images', '0'], /invalid --images/],
    [['--seed', '1e300'], /invalid --seed: expected a safe integer/],
    [['--method', 'beam'], /Allowed choices are ar, jacobi, sjd/],
    [['--init', 'diagonal'], /Allowed choices are random, horizontal, vertical/],
    [['--execution-provider', 'tpu'], /Allowed choices are cpu, cuda, webgpu/],
    [
      ['--dtype', 'q4f16'],
      /invalid --dtype: expected fp32 \(an sjd-model folder holds one float32 decoder\)/,
    ],
  ];
  it.each(bad)('exit 2 and a message naming the flag for %j', async (flags, message) => {
    const { code, stderr } = await run(
      'generate',
      CAPTION,
      '--model',
      modelDir,
      ...flags,
      '--out',
      join(scratch, 'bad.png'),
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('exit 2 for a word the model does not know, naming the word', async () => {
    const { code, stderr } = await run('generate', 'a purple elephant', '--model', modelDir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/does not know the word "elephant"/);
  });

  it('exit 3 for a model folder that is not there', async () => {
    const { code, stderr } = await run('generate', CAPTION, '--model', join(scratch, 'nothing'));
    expect(code).toBe(3);
    expect(stderr).toMatch(/nothing: no such model folder/);
  });

  it('exit 3 for a folder of no family the library loads, listing the families', async () => {
    const dir = join(scratch, 'no-family');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.safetensors'), 'x');
    const { code, stderr } = await run('generate', CAPTION, '--model', dir);
    expect(code).toBe(3);
    expect(stderr).toMatch(
      /not a model folder: none of manifest\.json, config\.json is there; this package loads: sjd-model/,
    );
  });
});

describe('sjd models', () => {
  it('lists the model folders found', async () => {
    const { code, stdout } = await run('models', '--path', join(modelDir, '..'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/16×16 tokens/);
  });

  it('reports a broken model folder with its problem, and passes over folders without a manifest', async () => {
    const root = join(scratch, 'models');
    mkdirSync(join(root, 'broken'), { recursive: true });
    mkdirSync(join(root, 'not-a-model'), { recursive: true });
    writeFileSync(join(root, 'broken', 'manifest.json'), '{ "name": ');
    const { code, stdout, stderr } = await run('models', '--path', root);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\(default\)/);
    expect(stderr).toMatch(/broken model folder .*broken: .*not valid JSON/);
    expect(stderr).not.toContain('not-a-model');
    const json = JSON.parse((await run('models', '--path', root, '--json')).stdout) as {
      problem?: string;
    }[];
    expect(json.filter((row) => row.problem)).toHaveLength(1);
  });
});

describe('sjd flags', () => {
  it('--version prints the package version', async () => {
    const { code, stdout } = await run('--version');
    expect(code).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('--json prints one JSON summary, --scale upscales, a trailing full stop is fine', async () => {
    const out = join(scratch, 'scaled.png');
    const { code, stdout } = await run(
      'generate',
      `${CAPTION}.`,
      '--model',
      JSON.parse(readFileSync(join(shippedModelDir, 'manifest.json'), 'utf8')).name,
      '--seed',
      '2',
      '--scale',
      '4',
      '--json',
      '--out',
      out,
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ prompt: CAPTION, seed: 2, images: [out], width: 256 });
    expect(summary.statistics.tokens).toBe(256);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([256, 256]);
  });

  it('--branches runs SJD with proactive branches and reports the steps that took one', async () => {
    const { code, stdout } = await run(
      'generate',
      CAPTION,
      '--model',
      modelDir,
      '--seed',
      '3',
      '--window',
      '8',
      '--init',
      'random',
      '--branches',
      '3',
      '--json',
      '--out',
      join(scratch, 'branches.png'),
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.statistics.tokens).toBe(256);
    expect(summary.statistics.branchSteps).toBeGreaterThan(0);
  });

  it('--out with another extension than .png is rejected', async () => {
    const { code, stderr } = await run('generate', CAPTION, '--out', join(scratch, 'x.jpg'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid --out: expected a file name ending in \.png/);
  });

  it('warns about flags the method ignores, only when the user typed them', async () => {
    const out = join(scratch, 'warn.png');
    const ar = await run(
      'generate',
      CAPTION,
      '--method',
      'ar',
      '--window',
      '8',
      '--init',
      'random',
      '--out',
      out,
    );
    expect(ar.stderr).toContain('--method ar ignores --window and --init');
    const jacobi = await run('generate', CAPTION, '--method', 'jacobi', '--out', out);
    expect(jacobi.code).toBe(0);
    expect(jacobi.stderr).not.toContain('warning');
    const hot = await run(
      'generate',
      CAPTION,
      '--method',
      'jacobi',
      '--temperature',
      '0.7',
      '--out',
      out,
    );
    expect(hot.stderr).toMatch(/warning: jacobi decoding is greedy/);
  });

  it('summarises many files as first … last', async () => {
    const { code, stdout } = await run(
      'generate',
      CAPTION,
      '--images',
      '5',
      '--out',
      join(scratch, 'n.png'),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/→ .*n-0\.png … .*n-4\.png \(5 files\)\n$/);
  });
});

describe('captions out of reading order', () => {
  it('are rewritten to the order the shipped model was trained on, with a note', async () => {
    const out = join(scratch, 'order.png');
    const { code, stderr } = await run(
      'generate',
      'a large red circle in the centre and a small blue square at the top left',
      '--model',
      modelDir,
      '--seed',
      '1',
      '--out',
      out,
    );
    expect(code).toBe(0);
    expect(stderr).toContain(
      'prompting with "a small blue square at the top left and a large red circle in the centre"',
    );
  });
});

describe('sjd serve', () => {
  it('offers every flag of the server (one definition), TLS and metrics among them', async () => {
    const { code, stdout } = await run('serve', '--help');
    expect(code).toBe(0);
    for (const flag of [
      '--tls-cert',
      '--tls-ca',
      '--token-file',
      '--insecure',
      '--metrics-port',
      '--max-deadline-ms',
    ])
      expect(stdout).toContain(flag);
  });

  it('refuses plaintext beyond loopback without --insecure: exit 2, naming the flag', async () => {
    const { code, stderr } = await run('serve', '--host', '0.0.0.0', '--port', '0');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--host/);
    expect(stderr).toMatch(/insecure/);
  });

  it('with --insecure serves on every interface, with metrics, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [
      sjd,
      'serve',
      '--insecure',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--model',
      modelDir,
    ]);
    let log = '';
    const loaded = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('"models-loaded"')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await loaded;
    const port = Number(/"event":"metrics-listening","port":(\d+)/.exec(log)![1]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('sjd_busy_slots');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).toMatch(/"event":"listening","host":"0\.0\.0\.0"/);
  });
});

describe("sjd generate --window auto keeps the seed's promise", () => {
  it('sjd calibrate saves a profile; with it, or with the default guess, a seed gives the same image each run', async () => {
    const profile = join(scratch, 'costs.json');
    const calibrated = await run('calibrate', '--model', modelDir, '--out', profile);
    expect(calibrated.code).toBe(0);
    const saved = JSON.parse(readFileSync(profile, 'utf8'));
    expect(saved.model).toBe('shapes-v2');
    expect(saved.points.length).toBeGreaterThan(3);
    for (const costs of [['--cost-profile', profile], []]) {
      const outputs: Buffer[] = [];
      for (const i of [1, 2, 3]) {
        const out = join(scratch, `auto-${costs.length}-${i}.png`);
        const { code, stdout } = await run(
          'generate',
          CAPTION,
          '--model',
          modelDir,
          '--window',
          'auto',
          '--seed',
          '5',
          '--out',
          out,
          ...costs,
        );
        expect(code).toBe(0);
        expect(stdout).toMatch(/\(windows (\d+×\d+ ?)+; costs: /);
        outputs.push(readFileSync(out));
      }
      expect(outputs[1]!.equals(outputs[0]!)).toBe(true);
      expect(outputs[2]!.equals(outputs[0]!)).toBe(true);
    }
  });

  it('a broken profile is exit 2, naming --cost-profile', async () => {
    const bad = join(scratch, 'bad-costs.json');
    writeFileSync(bad, JSON.stringify({ points: [{ blockLength: 0, ms: 1 }] }));
    const { code, stderr } = await run(
      'generate',
      CAPTION,
      '--model',
      modelDir,
      '--window',
      'auto',
      '--cost-profile',
      bad,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/--cost-profile/);
  });
});
