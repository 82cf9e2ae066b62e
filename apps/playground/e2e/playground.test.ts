import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from './launch-chromium.js';
import {
  ARTIFACTS,
  canvasStats,
  DIST,
  figure,
  openPlayground,
  reportOf,
  requireBuild,
} from './playground-page.js';
import { type StaticServer, serveStatic } from './static-server.js';

let server: StaticServer;
let chromium: LaunchedChromium;
let page: Page;
const offOrigin: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  requireBuild();
  server = await serveStatic(DIST);
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  page.on('request', (request) => {
    if (
      !request.url().startsWith(server.url) &&
      !request.url().startsWith('data:') &&
      !request.url().startsWith('blob:')
    ) {
      offOrigin.push(request.url());
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await openPlayground(page, server.url, { backend: 'wasm', threads: '2' });
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe('playground in Chromium on wasm', () => {
  it('loads the model from its own origin on multi-threaded wasm and says so', async () => {
    expect(await page.locator('#backend-status').getAttribute('data-state')).toBe('ready');
    const report = await reportOf(page);
    expect(report).toMatchObject({
      requested: 'wasm',
      active: 'wasm',
      crossOriginIsolated: true,
      threads: 2,
      samplingKernel: 'wasm',
    });
    expect(await page.locator('#backend-status').textContent()).toMatch(/WebAssembly, 2 threads/);
    expect(await page.locator('#error-panel').isHidden()).toBe(true);
  });

  it('generates with SJD from the keyboard: image, token map and figures, step compression above 1', async () => {
    const prompt = page.getByLabel('Prompt', { exact: true });
    await prompt.fill('a large red circle in the centre');
    await page.getByLabel('SJD').check();
    await page.getByLabel('Seed').fill('7');
    await prompt.focus();
    await page.keyboard.press('Enter');
    await page.locator('#lane-single[data-state="done"]').waitFor({ timeout: 120_000 });

    const image = await canvasStats(page, '#lane-single .generated-image');
    expect(image.width).toBeGreaterThan(0);
    expect(image.grey).toBe(0);
    expect(image.colours).toBeGreaterThan(3);
    expect(image.spread).toBeGreaterThan(60);
    const map = await canvasStats(page, '#lane-single .token-map');
    expect(map.colours).toBeGreaterThan(5);

    const steps = Number(await figure(page, 'lane-single', 'steps'));
    const tokens = Number(await figure(page, 'lane-single', 'tokens'));
    const compression = Number.parseFloat(await figure(page, 'lane-single', 'stepCompression'));
    expect(tokens).toBe(256);
    expect(steps).toBeLessThan(256);
    expect(compression).toBeGreaterThan(1);
    expect(await figure(page, 'lane-single', 'time')).toMatch(/\d+ (ms|s)/);
    expect(await figure(page, 'lane-single', 'speed')).toMatch(/tokens\/s/);
    expect(await page.locator('#lane-single .lane-status').textContent()).toMatch(/seed 7/);
    await page.screenshot({ path: `${ARTIFACTS}playground-sjd.png`, fullPage: true });
  });

  it('races vanilla against SJD on the same prompt and seed', async () => {
    await page
      .getByLabel('Prompt', { exact: true })
      .fill('a small blue square at the top left and a large green triangle at the bottom right');
    await page.getByRole('button', { name: 'Race vanilla vs SJD' }).click();
    await page.locator('#lane-vanilla[data-state="done"]').waitFor({ timeout: 180_000 });
    await page.locator('#lane-sjd[data-state="done"]').waitFor({ timeout: 180_000 });
    const vanillaSteps = Number(await figure(page, 'lane-vanilla', 'steps'));
    const sjdSteps = Number(await figure(page, 'lane-sjd', 'steps'));
    expect(vanillaSteps).toBe(256);
    expect(sjdSteps).toBeLessThan(vanillaSteps);
    expect(Number.parseFloat(await figure(page, 'lane-sjd', 'speedup'))).toBeGreaterThan(0);
    const result = await page.locator('#race-result').textContent();
    expect(result).toMatch(/SJD finished [\d.]+× faster/);
    for (const lane of ['lane-vanilla', 'lane-sjd']) {
      const stats = await canvasStats(page, `#${lane} .generated-image`);
      expect(stats.grey).toBe(0);
      expect(stats.spread).toBeGreaterThan(60);
    }
    await page.screenshot({ path: `${ARTIFACTS}playground-race.png`, fullPage: true });
  });

  it('fits a laptop and a phone: Generate on the first screen, no sideways scroll, images large', async () => {
    const viewport = page.viewportSize();
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.evaluate(() => window.scrollTo(0, 0));
      const button = (await page.locator('#generate').boundingBox())!;
      expect(button.y + button.height).toBeLessThan(900);
      // The race above left both lanes' images: each shows the 64 px image at least 4× up.
      for (const lane of ['lane-vanilla', 'lane-sjd']) {
        const image = (await page.locator(`#${lane} .generated-image`).boundingBox())!;
        expect(image.width).toBeGreaterThanOrEqual(256);
      }
      await page.setViewportSize({ width: 390, height: 844 });
      const [scrollWidth, clientWidth] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        document.documentElement.clientWidth,
      ]);
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      await page.screenshot({ path: `${ARTIFACTS}playground-phone.png`, fullPage: true });
    } finally {
      if (viewport) await page.setViewportSize(viewport);
    }
  });

  it('Escape stops a running race, and the page stays usable', async () => {
    await page.getByRole('button', { name: 'Race vanilla vs SJD' }).click();
    await page.waitForFunction(
      () => Number(document.querySelector('#lane-vanilla [data-figure="steps"]')?.textContent) >= 3,
    );
    await page.keyboard.press('Escape');
    await page.locator('#lane-vanilla[data-state="stopped"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#lane-sjd').getAttribute('data-state')).toBe('stopped');
    expect(await page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true);
    expect(await page.locator('#error-panel').isHidden()).toBe(true);
  });

  it('shows a word the model does not know in the page and marks the prompt', async () => {
    const prompt = page.getByLabel('Prompt', { exact: true });
    await prompt.fill('a large red hexagon');
    await page.getByRole('button', { name: 'Generate' }).click();
    const panel = page.getByRole('alert');
    await panel.waitFor();
    expect(await panel.textContent()).toMatch(/does not know the word "hexagon"/);
    expect(await prompt.getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('asked nothing of any other origin', () => {
    expect(offOrigin).toEqual([]);
    expect(server.requests).toContain('/model/manifest.json');
    expect(server.requests).toContain('/ort/ort-wasm-simd-threaded.asyncify.wasm');
    expect(consoleErrors).toEqual([]);
  });
});

describe('playground asked for WebGPU in a browser without an adapter', () => {
  it('shows why in the page, goes on with wasm, and the backend reports the fallback', async (context) => {
    const gpuless = await chromium.context.newPage();
    await openPlayground(gpuless, server.url, { backend: 'webgpu' });
    const report = await reportOf(gpuless);
    if (report?.active === 'webgpu') context.skip(); // this Chromium found an adapter after all
    expect(await gpuless.getByRole('alert').textContent()).toMatch(
      /WebGPU is not available.*adapter/,
    );
    expect(report).toMatchObject({ requested: 'auto', active: 'wasm' });
    expect(report?.fallbackReason).toMatch(/adapter|navigator\.gpu/);
    expect(await gpuless.locator('#backend-status').textContent()).toMatch(
      /on WebAssembly.*WebGPU not used/,
    );
    expect(await gpuless.getByLabel('Backend').inputValue()).toBe('auto');
    expect(await gpuless.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true);
    await gpuless.screenshot({ path: `${ARTIFACTS}playground-no-webgpu.png` });
    await gpuless.close();
  });
});

describe('playground when the model cannot load', () => {
  it('shows the failure in the page, not only in the console', async () => {
    const broken = await chromium.context.newPage();
    await broken.route('**/model/manifest.json', (route) =>
      route.fulfill({ status: 404, body: 'not found' }),
    );
    await openPlayground(broken, server.url, { backend: 'wasm' });
    expect(await broken.locator('#backend-status').getAttribute('data-state')).toBe('failed');
    const panel = broken.getByRole('alert');
    expect(await panel.textContent()).toMatch(
      /The model failed to load[\s\S]*model\/: not a model folder: none of manifest\.json, config\.json is there; this package loads: sjd-model [\s\S]*; janus [\s\S]*Rebuild after the model is there/,
    );
    expect(await broken.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);
    await broken.close();
  });
});
