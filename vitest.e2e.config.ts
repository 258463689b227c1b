import { defineConfig } from 'vitest/config';

/** End-to-end tests: the whole local stack plus the built web app, driven by real Chromium. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
