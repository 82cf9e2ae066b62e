import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from './launch-chromium.js';
import { generateInPage, openPlayground, reportOf } from './playground-page.js';

let server: ViteDevServer;
let chromium: LaunchedChromium;

beforeAll(async () => {
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
});

describe('pnpm --filter playground dev', () => {
  it('serves a cross-origin isolated page whose model and wasm threads load from the dev server', async () => {
    const url = server.resolvedUrls?.local[0];
    expect(url).toBeTruthy();
    const page = await chromium.context.newPage();
    await openPlayground(page, url!, { backend: 'wasm' });
    expect(await reportOf(page)).toMatchObject({ active: 'wasm', crossOriginIsolated: true });
    const result = await generateInPage(page, {
      caption: 'a large red circle in the centre',
      seed: 1,
      method: 'sjd',
    });
    expect(result.committed).toBe(256);
    await page.close();
  });
});
