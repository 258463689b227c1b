/**
 * Runs the provider simulator on its own: `tsx local/provider-simulator/main.ts`.
 * PROVIDER_SIMULATOR_PORT (default 4010), PROVIDER_SIMULATOR_SEED (default 42) and PROVIDER_SIMULATOR_FAULTS (JSON
 * FaultConfig, e.g. '{"default":{"latencyMs":{"mean":800,"jitter":300}},"openai":{"throttleRate":0.1}}') and
 * PROVIDER_SIMULATOR_LATENCY_SCALE (default 1: the providers' realistic heavy-tailed latency).
 */
import type { FaultConfig } from './faults.ts';
import { startProviderSimulator } from './server.ts';

const port = Number(process.env['PROVIDER_SIMULATOR_PORT'] ?? 4010);
const seed = Number(process.env['PROVIDER_SIMULATOR_SEED'] ?? 42);
const faults = JSON.parse(process.env['PROVIDER_SIMULATOR_FAULTS'] ?? '{}') as FaultConfig;
const latencyScale = Number(process.env['PROVIDER_SIMULATOR_LATENCY_SCALE'] ?? 1);
const simulator = await startProviderSimulator({ port, seed, faults, latencyScale });
console.log(`provider simulator on ${simulator.url} (set PROVIDER_SIMULATOR_URL=${simulator.url})`);
for (const [id, url] of Object.entries(simulator.baseUrls)) console.log(`  ${id.padEnd(10)} ${url}`);
const shutdown = () => {
  console.log(JSON.stringify(simulator.stats()));
  void simulator.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
