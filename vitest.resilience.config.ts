import { defineConfig } from 'vitest/config';

// The provider simulator answers with the providers' realistic heavy-tailed latency by default; tests scale it down
// (median tens of ms instead of seconds) so they stay fast. Everything else about it stays as harsh as the real APIs.
process.env.PROVIDER_SIMULATOR_LATENCY_SCALE ??= '0.01';

/**
 * The resilience suite (`test/resilience/`): authentication matrix, isolation over thousands of requests,
 * hostile input, load and faults, against the same real local stack as the integration tests (same global
 * setup). Bounded to a few minutes on two cores; the heavy variants live in `bench/resilience.bench.ts`.
 * Files run one after another: they share one stack, and the load and fault files need the machine to themselves.
 */
// Provider calls that hang (simulated timeouts in the storm test) give up after 2 s instead of 60 s. Set before the
// global setup starts the stack in this process, so the fan-out workers read it like Lambda reads its environment.
process.env.PROVIDER_TIMEOUT_MS ??= '2000';

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
