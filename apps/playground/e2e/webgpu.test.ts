import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from './launch-chromium.js';
import {
  ARTIFACTS,
  DIST,
  generateInPage,
  openPlayground,
  reportOf,
  requireBuild,
} from './playground-page.js';
import { type StaticServer, serveStatic } from './static-server.js';

/** SwiftShader runs WebGPU on the CPU, slowly: a few greedy SJD steps are enough to compare. */
const STEPS = 3;
const CAPTION = 'a large red circle in the centre';

let server: StaticServer;
let chromium: LaunchedChromium;

beforeAll(async () => {
  requireBuild();
  server = await serveStatic(DIST);
  chromium = await launchChromium({ webgpu: true });
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe('WebGPU in headless Chromium (--enable-unsafe-webgpu)', () => {
  it('insisting on WebGPU runs on the adapter only if it computes the model right; else the page says why and runs on wasm', async () => {
    const page = await chromium.context.newPage();
    await openPlayground(page, server.url, { backend: 'webgpu' });
    const report = await reportOf(page);
    const status = (await page.locator('#backend-status').textContent()) ?? '';
    if (report?.active === 'webgpu') {
      console.log(
        `WebGPU ran on ${report.adapter}, logits within ${report.webGpuLogitDifference} of wasm`,
      );
      expect(report).toMatchObject({ requested: 'webgpu', fallbackReason: null });
      expect(report.webGpuLogitDifference).toBeLessThanOrEqual(0.05);
      expect(status).toMatch(/on WebGPU \(/);
      expect(await page.locator('#error-panel').isHidden()).toBe(true);
    } else {
      const alert = (await page.getByRole('alert').textContent()) ?? '';
      console.log(`WebGPU not used: ${alert}`);
      expect(alert).toMatch(/WebGPU is not available/);
      expect(alert).toMatch(/no adapter|cannot run this model correctly/);
      expect(report).toMatchObject({ requested: 'auto', active: 'wasm' });
      expect(report?.fallbackReason).toBeTruthy();
      expect(status).toMatch(/WebGPU not used/);
    }
    await page.screenshot({ path: `${ARTIFACTS}playground-webgpu-insisted.png` });
    await page.close();
  });

  it('a greedy generation on WebGPU (unchecked) commits the same tokens as wasm; logs how far its logits are', async () => {
    const page = await chromium.context.newPage();
    await openPlayground(page, server.url, { backend: 'webgpu', verifyWebGpu: '0' });
    const report = await reportOf(page);
    if (report?.active !== 'webgpu') return; // no adapter at all: the fallback was checked above
    expect(report.webGpuLogitDifference).toBeNull();
    expect(await page.locator('#backend-status').textContent()).toMatch(/not checked against wasm/);
    const request = {
      caption: CAPTION,
      method: 'sjd',
      window: 16,
      init: 'vertical',
      seed: 1,
      temperature: 0,
    } as const;
    const started = performance.now();
    const onGpu = await generateInPage(page, { ...request, maxSteps: STEPS });
    console.log(
      `WebGPU: ${onGpu.committed} tokens in ${onGpu.steps} steps, ${Math.round(performance.now() - started)} ms`,
    );
    expect(onGpu.steps).toBe(STEPS);
    expect(onGpu.committed).toBeGreaterThanOrEqual(STEPS);

    const wasm = await chromium.context.newPage();
    await openPlayground(wasm, server.url, { backend: 'wasm' });
    const onCpu = await generateInPage(wasm, request);
    expect(onGpu.tokens).toEqual(onCpu.tokens.slice(0, onGpu.committed));

    const block = [0, 0, 273, 0, 73, 0, 0, 0].map((code) => code + 27);
    const logitsOn = (p: typeof page) =>
      p.evaluate(([b]) => window.sjdPlayground!.logits('a large red circle in the centre', b), [
        block,
      ] as const);
    const [gpu, cpu] = [await logitsOn(page), await logitsOn(wasm)];
    const gaps = gpu.map((row, i) => Math.max(...row.map((v, j) => Math.abs(v - cpu[i]![j]!))));
    console.log(
      `WebGPU vs wasm, max |logit difference| per position: ${gaps.map((g) => g.toFixed(3)).join(' ')}`,
    );
    await page.screenshot({ path: `${ARTIFACTS}playground-webgpu.png` });
    await wasm.close();
    await page.close();
  });

  it('automatic choice passes over a software adapter and says why', async () => {
    const auto = await chromium.context.newPage();
    await openPlayground(auto, server.url);
    const report = await reportOf(auto);
    expect(report?.active).toBe('wasm');
    expect(report?.fallbackReason).toMatch(
      /software fallback|not available|no adapter|navigator\.gpu/,
    );
    expect(await auto.locator('#backend-status').textContent()).toMatch(/WebGPU not used/);
    await auto.close();
  });
});
