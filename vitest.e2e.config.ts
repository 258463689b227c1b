import { defineConfig } from 'vitest/config';

// The provider simulator answers with the providers' realistic heavy-tailed latency by default; tests scale it down
// (median tens of ms instead of seconds) so they stay fast. Everything else about it stays as harsh as the real APIs.
process.env.PROVIDER_SIMULATOR_LATENCY_SCALE ??= '0.01';

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
