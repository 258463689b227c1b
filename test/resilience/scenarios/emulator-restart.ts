/**
 * Scenario run in its own process by emulator-restart.test.ts: a persistent local stack; a run of the demo brand
 * with slow providers; DynamoDB Local, kinesalite and s3rver each killed and started again while the run is in
 * flight (and the event pipeline mid-batch); then the run, the rollups and the lake are reconciled, and a second
 * run shows the system works without repair. Prints one `RESULT {json}` line. A separate process because killing
 * native emulators mid-request must not take the test runner down, and the functions read their environment once.
 */
import '../../../local/env-defaults.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentClient } from '../../../functions/adapters/aws/clients.ts';
import { DynamoDbRollupStore } from '../../../functions/adapters/aws/dynamodb-rollup-store.ts';
import { localS3Client } from '../../../local/emulators/s3.ts';
import { startLocalStack } from '../../../local/stack.ts';
import { sumCounters } from '../../../shared/events/rollups.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';
import { call } from '../../support/api.ts';
import { signInWithPassword } from '../../support/oidc-flow.ts';
import { lakeLines, until } from '../support/lake.ts';

const TERMINAL = ['succeeded', 'partial', 'failed', 'cancelled'];
const dataDir = mkdtempSync(join(tmpdir(), 'promptpulse-emulator-restart-'));
const stack = await startLocalStack({
  dataDir,
  ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
  schedulerIntervalMs: null,
  lakeBuffer: { intervalMs: 500 },
  providerSimulator: { faults: { default: { latencyMs: { mean: 400, jitter: 100 } } } },
});
const restarts: string[] = [];
try {
  const token = (await signInWithPassword(stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass')).access_token;
  const brandId = (await call(stack.apiUrl, 'GET', '/brands', { token })).json.items[0].id as string;
  // biome-ignore lint/suspicious/noExplicitAny: loosely typed run JSON
  const runOf = async (id: string): Promise<any> => (await call(stack.apiUrl, 'GET', `/runs/${id}`, { token })).json;
  const runId = (await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token })).json.runId as string;

  for (const [name, after] of [
    ['dynamodb', 6],
    ['kinesis', 20],
    ['s3', 34],
  ] as const) {
    await until(
      `${after} answers before restarting ${name}`,
      async () => {
        const run = await runOf(runId).catch(() => null);
        return run?.counts?.succeeded >= after || TERMINAL.includes(run?.status) ? run : null;
      },
      120_000,
    );
    const at = (await runOf(runId)).counts;
    await stack.restartEmulator(name, 1500);
    restarts.push(`${name} at ${at.succeeded}/${at.planned}`);
  }
  const run = await until(
    'the run to finish',
    async () => {
      const r = await runOf(runId).catch(() => null);
      return r && TERMINAL.includes(r.status) ? r : null;
    },
    240_000,
  );

  const items: { itemId: string; status: string; attempts: number; answerId: string | null; error: unknown }[] = [];
  let cursor: string | null = null;
  do {
    const page = await call(
      stack.apiUrl,
      'GET',
      `/runs/${runId}/items?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    items.push(...page.json.items);
    cursor = page.json.nextCursor;
  } while (cursor);

  const tenantId = stack.demoTenantId ?? '';
  const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.endpoints.dynamodb });
  const rollups = new DynamoDbRollupStore(db, RESOURCE_NAMES.table);
  const totals = async () =>
    sumCounters((await rollups.readDays(tenantId, brandId, '2000-01-01', '2999-12-31')).map((d) => d.counters));
  const rolled = await until(
    'the rollups to count the run',
    async () => {
      const t = await totals();
      return t.n === run.counts.succeeded && t['run#n'] === 1 ? t : null;
    },
    60_000,
  ).catch(async () => totals());
  const s3 = localS3Client(stack.endpoints.s3);
  const lakeIds = async () => {
    const ids = new Set<string>();
    for (const line of await lakeLines(s3, `tenants/${tenantId}/events/type=promptpulse.answer.analyzed/`)) {
      const event = JSON.parse(line);
      if (event.data?.runId === runId) ids.add(event.data.answerId);
    }
    return ids;
  };
  const lake = await until(
    'the lake to hold every answer',
    async () => {
      const ids = await lakeIds();
      return ids.size === run.counts.succeeded ? ids : null;
    },
    60_000,
  ).catch(lakeIds);

  // Usable without repair: a second run of the same brand, start to finish.
  const second = (await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token })).json;
  const secondRun = await until(
    'the second run',
    async () => {
      const r = await runOf(second.runId).catch(() => null);
      return r && TERMINAL.includes(r.status) ? r : null;
    },
    240_000,
  );
  const rolledAfter = await until(
    'the rollups to count both runs',
    async () => {
      const t = await totals();
      return t.n === run.counts.succeeded + secondRun.counts.succeeded ? t : null;
    },
    60_000,
  ).catch(totals);
  db.destroy();
  s3.destroy();
  console.log(
    `RESULT ${JSON.stringify({
      restarts,
      status: run.status,
      counts: run.counts,
      errors: run.errors,
      items: items.map((i) => [i.itemId, i.status, i.attempts, i.answerId, i.error]),
      rollupN: rolled.n,
      rollupRuns: rolled['run#n'],
      lakeAnswers: lake.size,
      second: { status: secondRun.status, counts: secondRun.counts },
      rollupNAfterSecond: rolledAfter.n,
    })}`,
  );
} catch (error) {
  console.log(`RESULT ${JSON.stringify({ restarts, failure: (error as Error).message })}`);
} finally {
  await stack.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
