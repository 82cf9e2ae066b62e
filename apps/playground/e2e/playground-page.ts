import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExecutionProviderReport } from '@sjd/backend-web';
import type { Page } from 'playwright-core';
import type { HeadlessRequest, HeadlessResult } from '../src/playground.js';
// Declares `window.sjdPlayground` for the page functions below.
import type {} from '../src/test-hook.js';

/** The built app (`pnpm --filter playground build`). */
export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** Where tests leave screenshots (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/** Fails early, saying what to run, when the app was not built. */
export function requireBuild(): void {
  if (!existsSync(`${DIST}index.html`) || !existsSync(`${DIST}model/manifest.json`)) {
    throw new Error(
      `no built playground with a model in ${DIST}: run pnpm --filter playground build (SJD_MODEL_DIR picks the model)`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
}

/** Opens the playground with the test hook and waits for the model (or its error). */
export async function openPlayground(
  page: Page,
  baseUrl: string,
  query: Record<string, string> = {},
): Promise<void> {
  const params = new URLSearchParams({ test: '', ...query });
  await page.goto(`${baseUrl}?${params}`);
  await page.waitForFunction(
    () => {
      const state = document.getElementById('backend-status')?.dataset['state'];
      return state === 'ready' || state === 'failed';
    },
    undefined,
    { timeout: 120_000 },
  );
}

/** The backend's execution provider report, through the test hook. */
export function reportOf(page: Page): Promise<ExecutionProviderReport | null> {
  return page.evaluate(() => window.sjdPlayground!.report());
}

/** A headless generation in the page, through the test hook. */
export function generateInPage(page: Page, request: HeadlessRequest): Promise<HeadlessResult> {
  return page.evaluate((r) => window.sjdPlayground!.generate(r), request);
}

/** Pixel statistics of a canvas: distinct colours and the share of undecided grey. */
export function canvasStats(
  page: Page,
  selector: string,
): Promise<{ width: number; height: number; colours: number; grey: number; spread: number }> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(sel)!;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    let grey = 0;
    let min = 255;
    let max = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      colours.add((r << 16) | (g << 8) | b);
      if (r === 160 && g === 160 && b === 168) grey++;
      min = Math.min(min, r, g, b);
      max = Math.max(max, r, g, b);
    }
    return {
      width: canvas.width,
      height: canvas.height,
      colours: colours.size,
      grey: grey / (data.length / 4),
      spread: max - min,
    };
  }, selector);
}

/** The text of one figure of a lane. */
export function figure(page: Page, lane: string, key: string): Promise<string> {
  return page
    .locator(`#${lane} [data-figure="${key}"]`)
    .textContent()
    .then((text) => text ?? '');
}
