import { encodePrompt, generate, OnnxLogitsProvider } from '@sjd/backend-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from './launch-chromium.js';
import { DIST, generateInPage, openPlayground, reportOf, requireBuild } from './playground-page.js';
import { type StaticServer, serveStatic } from './static-server.js';

const CAPTIONS = [
  'a large red circle in the centre',
  'a small blue square at the top left and a large green triangle at the bottom right',
];

let server: StaticServer;
let chromium: LaunchedChromium;
let page: Page;
let node: OnnxLogitsProvider;

beforeAll(async () => {
  requireBuild();
  server = await serveStatic(DIST);
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  await openPlayground(page, server.url, { backend: 'wasm' });
  // The very model folder the page was built with.
  node = await OnnxLogitsProvider.load({ modelDir: `${DIST}model`, threads: 1 });
});

afterAll(async () => {
  await node?.release();
  await chromium?.close();
  await server?.close();
});

describe('greedy decoding: the browser backend agrees with the Node backend', () => {
  for (const caption of CAPTIONS) {
    it(`same tokens for "${caption}" (temperature 0, the manifest's CFG; vanilla, SJD and SJD with the automatic window in the page)`, async () => {
      expect((await reportOf(page))?.active).toBe('wasm');
      const cfgScale = node.manifest.sampling.cfgScale;
      const prompt = encodePrompt(node.manifest, caption);
      const expected = (
        await generate({
          provider: node,
          prompt: prompt.conditional,
          ...(cfgScale !== 1 ? { unconditionalPrompt: prompt.unconditional } : {}),
          seed: 1,
          sampling: { temperature: 0, cfgScale },
          decoding: { method: 'ar' },
        })
      ).images[0]!.tokens;
      const sjd = await generateInPage(page, {
        caption,
        method: 'sjd',
        window: 16,
        init: 'vertical',
        seed: 1,
        temperature: 0,
        cfgScale,
      });
      const vanilla = await generateInPage(page, {
        caption,
        method: 'ar',
        seed: 1,
        temperature: 0,
        cfgScale,
      });
      const auto = await generateInPage(page, {
        caption,
        method: 'sjd',
        window: 'auto',
        init: 'vertical',
        redraft: 'coupled',
        seed: 1,
        temperature: 0,
        cfgScale,
      });
      expect(vanilla.tokens).toEqual(Array.from(expected));
      expect(sjd.tokens).toEqual(Array.from(expected));
      expect(auto.tokens).toEqual(Array.from(expected));
      expect(sjd.steps).toBeLessThan(vanilla.steps);
    });
  }
});
