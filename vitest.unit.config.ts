import { defineConfig } from 'vitest/config';

/** Pure, fast tests: domain, analysis, handlers with faked ports, CDK assertions. No emulators. */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
