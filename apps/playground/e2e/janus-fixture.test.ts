import { fileURLToPath } from 'node:url';
import { janusFixturePath } from '@sjd/janus-fixtures';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from './launch-chromium.js';
import { generateInPage, openPlayground, reportOf } from './playground-page.js';

// The playground on a Janus folder in the transformers.js layout (the tiny random-weight
// fixture, 4×4 image tokens), picked with SJD_MODEL_DIR as a user would, in Chromium.
let server: ViteDevServer;
let chromium: LaunchedChromium;
const previous = process.env['SJD_MODEL_DIR'];

beforeAll(async () => {
  process.env['SJD_MODEL_DIR'] = janusFixturePath('janus-tiny');
  server = await createServer({
    root: fileURLToPath(new URL('..', import.meta.url)),
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    logLevel: 'silent',
    server: { host: '127.0.0.1', port: 0, hmr: false },
  });
  await server.listen();
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  if (previous === undefined) delete process.env['SJD_MODEL_DIR'];
  else process.env['SJD_MODEL_DIR'] = previous;
});

describe('SJD_MODEL_DIR=<Janus folder> pnpm --filter playground dev', () => {
  it('loads the Janus folder in Chromium and generates an image of any caption', async () => {
    const url = server.resolvedUrls?.local[0];
    expect(url).toBeTruthy();
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await openPlayground(page, url!, { backend: 'wasm' });
    const state = await page.evaluate(
      () => document.getElementById('backend-status')?.dataset['state'],
    );
    expect(state).toBe('ready');
    expect(await reportOf(page)).toMatchObject({ active: 'wasm' });
    const result = await generateInPage(page, {
      caption: 'a red fox in fresh snow',
      seed: 1,
      method: 'sjd',
    });
    expect(result.committed).toBe(16);
    expect(result.codes.every((code) => code >= 0 && code < 16)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
