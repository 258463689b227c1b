/**
 * `npm run bench:calibration`: the full-size calibration of the mention rate against the simulator's planted truth
 * (bench/calibration-core.ts). Starts its own provider simulator; prints the coverage table that docs/analysis.md
 * quotes. Size: CALIBRATION_MARKETS (default 40), CALIBRATION_SAMPLES (default 60), CALIBRATION_MIX_SAMPLES (default 20).
 */
import { startProviderSimulator } from '../local/provider-simulator/index.ts';
import { runCalibration, summarise } from './calibration-core.ts';

const markets = Number(process.env.CALIBRATION_MARKETS ?? 40);
const samples = Number(process.env.CALIBRATION_SAMPLES ?? 60);
const mixSamples = Number(process.env.CALIBRATION_MIX_SAMPLES ?? 20);
const sim = await startProviderSimulator({ port: 0, seed: 42 });
try {
  const started = Date.now();
  const cells = await runCalibration({
    simulatorUrl: sim.url,
    simulatorSeed: 42,
    markets,
    samples,
    mixSamples,
    today: new Date().toISOString().slice(0, 10),
  });
  console.log(
    `calibration: ${markets} markets, ${samples} samples per prompt cell, ${mixSamples} per prompt in mix cells`,
  );
  console.log('| scope | cells | 95% interval coverage | mean bias (estimate − planted) | mean absolute error |');
  console.log('|---|---|---|---|---|');
  for (const row of summarise(cells)) {
    console.log(
      `| ${row.scope} | ${row.cells} | ${(100 * row.coverage).toFixed(1)}% | ${(100 * row.bias).toFixed(2)} pp | ${(100 * row.meanAbsError).toFixed(2)} pp |`,
    );
  }
  const missed = cells.filter((c) => !c.covered);
  console.log(`missed cells (first 10): ${JSON.stringify(missed.slice(0, 10))}`);
  console.log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await sim.stop();
}
