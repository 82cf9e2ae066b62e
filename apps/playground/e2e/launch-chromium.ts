import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** The system Chromium (Debian's `chromium` package); `SJD_CHROMIUM` overrides. Never a downloaded browser. */
export const CHROMIUM_PATH = process.env['SJD_CHROMIUM'] ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile, removed again on `close`. */
export interface LaunchedChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts the system Chromium headless with a fresh `--user-data-dir`. `webgpu` adds
 * `--enable-unsafe-webgpu`, which gives headless Chromium a WebGPU adapter (SwiftShader,
 * in software, where there is no GPU).
 */
export async function launchChromium(
  options: { webgpu?: boolean } = {},
): Promise<LaunchedChromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium, or set SJD_CHROMIUM`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'sjd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...ARGS, ...(options.webgpu ? ['--enable-unsafe-webgpu'] : [])],
    viewport: { width: 1200, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
