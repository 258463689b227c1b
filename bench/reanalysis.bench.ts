/**
 * Re-analysis benchmark through the local stack (`npm run bench:reanalysis`): how fast a brand's
 * stored history is re-scored end to end after a configuration change.
 *
 * Starts the local stack with BENCH_DAYS of demo history (local/seed-history.ts: simulator answers, their raw payloads
 * in s3rver and their first analyses in the re-analysis ledger, `answer.analyzed` through kinesalite into the
 * rollups), waits until the rollups hold every answer, then stops tracking one competitor of the demo brand and
 * starts the brand's re-analysis job on the local Step Functions runner (the deployed ASL: Plan, the per-week Map,
 * Chunk pages reading S3 and publishing `answer.reanalyzed`, the 5 s wait for the aggregator, Finish with the
 * Action Hub's re-judge). Measures:
 *   - job: from the start request to the job's final status (wall time), answers re-scored per second;
 *   - settled: until the rollup cells equal the ledger's sum (every correction aggregated);
 *   - function time the job recorded (its chunks), and answers per second of function time.
 * Env: BENCH_DAYS (default 28; the demo brand has 54 answers a day). Always exits 0 unless the job fails.
 */
import '../local/env-defaults.ts';
import { createDocumentClient } from '../functions/adapters/aws/clients.ts';
import { DynamoDbBrandRepository } from '../functions/adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbRollupStore } from '../functions/adapters/aws/dynamodb-rollup-store.ts';
import { createReanalysisDeps } from '../functions/handlers/reanalysis/deps.ts';
import { DEMO_MARKET } from '../local/provider-simulator/market.ts';
import { startLocalStack } from '../local/stack.ts';
import type { TenantId } from '../shared/domain/workspace.ts';
import { type RollupCounters, sumCounters } from '../shared/events/rollups.ts';
import { RESOURCE_NAMES } from '../shared/infra/resources.ts';
import { ledgerCounters, requestReanalysis } from '../shared/use-cases/reanalysis.ts';

const DAYS = Number(process.env.BENCH_DAYS ?? 28);
const DROPPED = 'Umbrella Data';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counters equal within rounding (the stores keep 1e-9 decimals). */
function same(a: RollupCounters, b: RollupCounters): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (Math.abs((a[k] ?? 0) - (b[k] ?? 0)) > 1e-6) return false;
  return true;
}

const seedStarted = Date.now();
const stack = await startLocalStack({
  dataDir: null,
  ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
  schedulerIntervalMs: null,
  demoHistory: { days: DAYS, rescorable: true },
});
try {
  const seededS = (Date.now() - seedStarted) / 1000;
  const tenantId = stack.demoTenantId as TenantId;
  const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.endpoints.dynamodb });
  const brands = new DynamoDbBrandRepository(db, RESOURCE_NAMES.table);
  const rollups = new DynamoDbRollupStore(db, RESOURCE_NAMES.table);
  const deps = createReanalysisDeps(process.env);
  const brand = (await brands.listBrands(tenantId, { limit: 100 })).items.find(
    (b) => b.name === DEMO_MARKET.brands[0]?.name,
  );
  if (!brand) throw new Error('demo brand missing');
  const span = await deps.ledger.span(tenantId, brand.id);
  if (!span.firstDay || !span.lastDay || span.count === 0) throw new Error('the demo history has no ledger records');
  const cellsSum = async () =>
    sumCounters(
      (await rollups.readCells(tenantId, brand.id, span.firstDay as string, span.lastDay as string)).map(
        (c) => c.counters,
      ),
    );

  // The configuration change: the brand stops tracking one competitor (its mentions leave every answer's counters).
  const current = await brands.getBrand(tenantId, brand.id);
  if (!current) throw new Error('demo brand missing');
  const next = {
    ...current,
    competitors: current.competitors.filter((c) => c.name !== DROPPED),
    version: current.version + 1,
    updatedAt: new Date().toISOString(),
  };
  await brands.updateBrand(tenantId, next, current.version, current.name, {
    id: `aud_bench${Date.now()}`,
    at: next.updatedAt,
    actor: { userId: 'bench', email: null },
    action: 'brand.updated',
    target: { type: 'brand', id: brand.id },
    summary: 'bench: configuration change',
    changes: [],
  });

  const t0 = Date.now();
  const started = await requestReanalysis(deps, { tenantId, brandId: brand.id, trigger: 'configuration' });
  let job = started;
  while (job.status === 'running') {
    await sleep(100);
    job = (await deps.jobs.get(tenantId, started.jobId)) ?? job;
  }
  const jobS = (Date.now() - t0) / 1000;
  if (job.status !== 'succeeded') throw new Error(`job ended ${job.status}`);
  const expected = await ledgerCounters(deps, tenantId, brand.id, span.firstDay, span.lastDay);
  let settled = same(await cellsSum(), expected);
  while (!settled && Date.now() - t0 < 120_000) {
    await sleep(100);
    settled = same(await cellsSum(), expected);
  }
  const settledS = (Date.now() - t0) / 1000;
  const chunkS = job.lambdaMs / 1000;
  console.info(
    [
      `re-analysis bench: ${span.count} stored answers over ${DAYS} days (${span.firstDay}..${span.lastDay}); seeded in ${seededS.toFixed(1)} s`,
      `job ${job.status}: ${job.done} looked at, ${job.rescored} re-scored, ${job.unchanged} current, skipped ${JSON.stringify(job.skipped)}`,
      `job wall time ${jobS.toFixed(1)} s (includes the workflow's 5 s wait before Finish) -> ${(job.rescored / jobS).toFixed(0)} answers re-scored/s end to end`,
      `rollups equal the ledger after ${settledS.toFixed(1)} s: ${settled ? 'yes' : 'NO (timed out)'}`,
      `function time of the chunks ${chunkS.toFixed(1)} s -> ${(job.rescored / Math.max(chunkS, 0.001)).toFixed(0)} answers/s of function time`,
    ].join('\n'),
  );
  db.destroy();
} finally {
  await stack.stop();
}
