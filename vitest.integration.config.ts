import { defineConfig } from 'vitest/config';

// The provider simulator answers with the providers' realistic heavy-tailed latency by default; tests scale it down
// (median tens of ms instead of seconds) so they stay fast. Everything else about it stays as harsh as the real APIs.
process.env.PROVIDER_SIMULATOR_LATENCY_SCALE ??= '0.01';

/**
 * Integration tests run the real handlers against the real emulators (DynamoDB Local, kinesalite, s3rver,
 * the local OIDC issuer and gateway), started once per run by the global setup on free ports.
 */
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/integration/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
