import { defineConfig } from 'vitest/config';

/** `pnpm --filter playground bench` (the root's `pnpm bench:web`): the browser benchmark, not a test. */
export default defineConfig({
  test: {
    include: ['bench/web-bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    disableConsoleIntercept: true,
  },
});
