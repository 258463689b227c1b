import { defineConfig } from 'vitest/config';

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
