/**
 * `pnpm bench:web`: vanilla AR against SJD in headless Chromium on wasm, on a few held-out
 * captions, in one run on one page. Prints a table and writes `bench/results/web.json` at
 * the repository root. Times are the page's busy clock: milliseconds inside the generator
 * (forward passes and sampling), the same clock the playground's figures use.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { heldOutCaptions } from '@sjd/shapes';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from '../e2e/launch-chromium.js';
import {
  DIST,
  generateInPage,
  openPlayground,
  reportOf,
  requireBuild,
} from '../e2e/playground-page.js';
import { type StaticServer, serveStatic } from '../e2e/static-server.js';
import type { HeadlessRequest, HeadlessResult } from '../src/playground.js';

const CAPTIONS = Number(process.env['SJD_BENCH_CAPTIONS'] ?? 4);
const WINDOW = Number(process.env['SJD_BENCH_WINDOW'] ?? 16);
const RESULTS = fileURLToPath(new URL('../../../bench/results/', import.meta.url));

interface Method {
  readonly name: string;
  readonly request: Partial<HeadlessRequest>;
}

const BASELINE: Method = { name: 'vanilla', request: { method: 'ar' } };
const METHODS: readonly Method[] = [
  BASELINE,
  {
    name: `sjd L=${WINDOW} vertical`,
    request: { method: 'sjd', window: WINDOW, init: 'vertical' },
  },
  { name: `sjd L=${WINDOW} random`, request: { method: 'sjd', window: WINDOW, init: 'random' } },
  { name: 'sjd L=auto vertical', request: { method: 'sjd', window: 'auto', init: 'vertical' } },
];

let server: StaticServer;
let chromium: LaunchedChromium;

beforeAll(async () => {
  requireBuild();
  server = await serveStatic(DIST);
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

it('vanilla vs SJD on wasm in Chromium', async () => {
  const page = await chromium.context.newPage();
  await openPlayground(page, server.url, { backend: 'wasm' });
  const report = await reportOf(page);
  if (!report)
    throw new Error(
      `the playground did not load its model: ${await page.locator('#error-panel').textContent()}`,
    );
  const manifest = JSON.parse(readFileSync(`${DIST}model/manifest.json`, 'utf8'));
  const words = new Set<string>(manifest.textTokenizer.words);
  const captions = heldOutCaptions()
    .filter((c) => c.split(' ').every((w) => words.has(w)))
    .slice(0, CAPTIONS);
  const sampling = manifest.sampling;

  // Warm-up: compile, allocate, fill caches; not counted.
  for (const method of METHODS)
    await generateInPage(page, { caption: captions[0]!, seed: 999, ...method.request });

  const runs: (HeadlessResult & { method: string; caption: string; seed: number })[] = [];
  for (const [i, caption] of captions.entries()) {
    const seed = 100 + i;
    // Alternate the order so slow drift (other processes) hits every method alike.
    const order = i % 2 === 0 ? METHODS : [...METHODS].reverse();
    for (const method of order) {
      const result = await generateInPage(page, { caption, seed, ...method.request });
      runs.push({ ...result, method: method.name, caption, seed });
    }
  }

  const summary = METHODS.map((method) => {
    const mine = runs.filter((r) => r.method === method.name);
    const tokens = sum(mine.map((r) => r.committed));
    const steps = sum(mine.map((r) => r.steps));
    const ms = sum(mine.map((r) => r.busyMs));
    const vanillaMs = sum(runs.filter((r) => r.method === BASELINE.name).map((r) => r.busyMs));
    const accepted = mine.map((r) => r.statistics?.meanAcceptedDrafts ?? 0);
    return {
      method: method.name,
      images: mine.length,
      steps,
      tokens,
      stepCompression: tokens / steps,
      meanAcceptedDrafts: sum(accepted) / accepted.length,
      ms,
      msPerImage: ms / mine.length,
      tokensPerSecond: (tokens * 1000) / ms,
      speedup: vanillaMs / ms,
    };
  });

  console.log(
    `\nbench:web: ${captions.length} held-out captions, model ${manifest.name}, ${report.active} (${report.threads} threads${report.crossOriginIsolated ? ', cross-origin isolated' : ''}), ` +
      `temperature ${sampling.temperature}, top-k ${sampling.topK}, top-p ${sampling.topP}, CFG ${sampling.cfgScale}\n`,
  );
  console.log(table(summary));
  const primary = summary[1]!;
  const result = {
    benchmark: 'web',
    date: new Date().toISOString(),
    browser: (await chromium.context.browser()?.version()) ?? 'chromium',
    backend: report,
    model: manifest.name,
    sampling,
    captions,
    primary: primary.method,
    stepCompression: primary.stepCompression,
    speedup: primary.speedup,
    methods: summary,
    runs: runs.map(({ tokens: _tokens, codes: _codes, ...run }) => run),
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}web.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${RESULTS}web.json`);
  expect(primary.stepCompression).toBeGreaterThan(1);
});

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function table(rows: readonly Record<string, string | number>[]): string {
  const columns: [string, string, (row: Record<string, string | number>) => string][] = [
    ['method', 'method', (r) => String(r['method'])],
    ['images', 'images', (r) => String(r['images'])],
    ['steps', 'steps', (r) => String(r['steps'])],
    ['tokens', 'tokens', (r) => String(r['tokens'])],
    ['compression', 'step compression', (r) => `${(r['stepCompression'] as number).toFixed(2)}×`],
    ['accepted', 'accepted drafts/step', (r) => (r['meanAcceptedDrafts'] as number).toFixed(2)],
    ['ms', 'ms/image', (r) => (r['msPerImage'] as number).toFixed(0)],
    ['tps', 'tokens/s', (r) => (r['tokensPerSecond'] as number).toFixed(0)],
    ['speedup', 'speed-up', (r) => `${(r['speedup'] as number).toFixed(2)}×`],
  ];
  const cells = rows.map((row) => columns.map(([, , format]) => format(row)));
  const widths = columns.map(([, title], c) =>
    Math.max(title.length, ...cells.map((row) => row[c]!.length)),
  );
  const line = (values: readonly string[]) =>
    `| ${values.map((v, c) => v.padEnd(widths[c]!)).join(' | ')} |`;
  return [
    line(columns.map(([, title]) => title)),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}
