import { defineConfig } from 'vitest/config';

/**
 * The resilience suite (`test/resilience/`): authentication matrix, isolation over thousands of requests,
 * hostile input, load and faults, against the same real local stack as the integration tests (same global
 * setup). Bounded to a few minutes on two cores; the heavy variants live in `bench/resilience.bench.ts`.
 * Files run one after another: they share one stack, and the load and fault files need the machine to themselves.
 */
export default defineConfig({
  test: {
    include: ['test/resilience/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/integration/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
