import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// No Docker engine runs where the tests run: these check what can be checked without one.
const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const dockerfile = readFileSync(join(repo, 'Dockerfile'), 'utf8');
/** Instructions, continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const of = (keyword: string) => instructions.filter((l) => l.startsWith(`${keyword} `));
const ignored = readFileSync(join(repo, '.dockerignore'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'));

describe('Dockerfile', () => {
  it('builds in one stage and runs from a second, smaller one', () => {
    const stages = of('FROM');
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/ AS build$/);
    expect(of('COPY').filter((c) => c.includes('--from=build'))).toHaveLength(1);
  });

  it('copies only what exists, and nothing .dockerignore leaves out', () => {
    for (const copy of of('COPY').filter((c) => !c.includes('--from='))) {
      const sources = copy.split(/\s+/).slice(1, -1);
      for (const source of sources) expect(existsSync(join(repo, source)), copy).toBe(true);
    }
    // What the build needs must reach the context.
    for (const needed of ['pnpm-lock.yaml', 'packages/shapes/model', 'deploy/docker', 'proto']) {
      expect(ignored.some((pattern) => needed.startsWith(pattern))).toBe(false);
      expect(existsSync(join(repo, needed))).toBe(true);
    }
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
  });

  it('installs the pnpm the repository pins, on the Node it supports', () => {
    const rootPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    expect(dockerfile).toContain(`pnpm@${rootPackage.packageManager.split('@')[1]}`);
    expect(of('FROM').every((f) => f.startsWith('FROM node:20-'))).toBe(true);
    expect(rootPackage.engines.node).toMatch(/^>=20/);
  });

  it('runs as a non-root user, sjd serve on every interface, with a gRPC health check', () => {
    expect(of('USER')).toEqual(['USER 10001:10001']);
    expect(of('ENTRYPOINT')[0]).toContain('"dist/sjd.js"');
    expect(existsSync(join(repo, 'packages/cli/dist/sjd.js'))).toBe(true);
    expect(of('CMD')).toEqual(['CMD ["serve", "--host=0.0.0.0", "--port=50051"]']);
    expect(of('HEALTHCHECK')[0]).toContain('grpc-health-check.mjs');
    expect(dockerfile).toContain('cp deploy/docker/grpc-health-check.mjs /app/');
  });
});

describe('deploy/docker/grpc-health-check.mjs', () => {
  const script = join(repo, 'deploy/docker/grpc-health-check.mjs');
  const cli = join(repo, 'packages/cli');
  /** Runs the script as the image does, from the app's folder (here: packages/cli). */
  const check = (address: string) =>
    promisify(execFile)(process.execPath, [script, address], { cwd: cli }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );

  it('exits 1 when nothing answers, 0 once sjd serve says SERVING', async () => {
    expect(await check('127.0.0.1:1')).toBe(1);
    const server = spawn(
      process.execPath,
      [join(cli, 'dist/sjd.js'), 'serve', '--port=0', '--threads=1'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let log = '';
        server.once('exit', (code) => reject(new Error(`sjd serve exited ${code}: ${log}`)));
        server.stderr!.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('"models-loaded"')) resolve(Number(/"port":(\d+)/.exec(log)![1]));
        });
      });
      expect(await check(`127.0.0.1:${port}`)).toBe(0);
    } finally {
      server.kill('SIGKILL');
    }
  });
});
