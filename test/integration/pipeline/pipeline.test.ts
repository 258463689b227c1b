import { gunzipSync } from 'node:zlib';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/aws/clients.ts';
import { DynamoDbRollupStore } from '../../../functions/adapters/aws/dynamodb-rollup-store.ts';
import { localKinesisClient } from '../../../local/emulators/kinesis.ts';
import { localS3Client } from '../../../local/emulators/s3.ts';
import { type RunSummary, RunSummarySchema } from '../../../shared/contracts/runs.ts';
import { rollupDelta, sumCounters } from '../../../shared/events/rollups.ts';
import { parseCanonicalEvent } from '../../../shared/events/schemas.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';
import { readBrandMetrics } from '../../../shared/use-cases/aggregate.ts';
import { call } from '../../support/api.ts';
import { DEMO, tokenFor } from '../../support/sessions.ts';

const stack = inject('stack');
const tenantId = stack.demoTenantId;
const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
const rollups = new DynamoDbRollupStore(db, RESOURCE_NAMES.table);
const s3 = localS3Client(stack.s3Endpoint);
const kinesis = localKinesisClient(stack.kinesisEndpoint);
const ALL_DAYS = ['2000-01-01', '2999-12-31'] as const;
let owner = '';
let brandId = '';

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function finishedRuns(): Promise<RunSummary[]> {
  const res = await call(stack.apiUrl, 'GET', `/runs?brandId=${brandId}&limit=100`, { token: owner });
  return (res.json.items as unknown[])
    .map((r) => RunSummarySchema.parse(r))
    .filter((r) => ['succeeded', 'partial', 'failed', 'cancelled'].includes(r.status));
}

async function lakeObjects(prefix: string) {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: RESOURCE_NAMES.lakeBucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

async function readLines(key: string): Promise<string[]> {
  const object = await s3.send(new GetObjectCommand({ Bucket: RESOURCE_NAMES.lakeBucket, Key: key }));
  const body = Buffer.from(
    await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
  return gunzipSync(body).toString('utf8').split('\n').filter(Boolean);
}

beforeAll(async () => {
  owner = await tokenFor(stack.url, ...DEMO.owner);
  const brands = await call(stack.apiUrl, 'GET', '/brands', { token: owner });
  brandId = brands.json.items.find((b: { name: string }) => b.name === 'Acme Analytics').id;
});

afterAll(() => {
  db.destroy();
  s3.destroy();
  kinesis.destroy();
});

describe('canonical event pipeline on the local stack (kinesalite → aggregate handler → DynamoDB, and → lake)', () => {
  let runId = '';

  it('a fan-out run publishes answer.analyzed per answer; the rollups reflect every succeeded answer', async () => {
    const started = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token: owner });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    runId = started.json.runId;
    const run = await until(
      'the run to finish',
      async () => (await finishedRuns()).find((r) => r.id === runId),
      90_000,
    );
    expect(run.counts.succeeded).toBeGreaterThan(0);

    // Other tests run this brand too: the rollups must hold every succeeded answer of every finished run.
    const runs = await finishedRuns();
    const succeeded = runs.reduce((n, r) => n + r.counts.succeeded, 0);
    const totals = await until('the rollups to count every answer and run', async () => {
      const days = sumCounters((await rollups.readDays(tenantId, brandId, ...ALL_DAYS)).map((d) => d.counters));
      return days.n === succeeded && days['run#n'] === runs.length ? days : null;
    });
    expect(totals['run#succeeded']).toBe(succeeded);

    const metrics = await readBrandMetrics({ rollups }, { tenantId, brandId, from: ALL_DAYS[0], to: ALL_DAYS[1] });
    expect(metrics.n).toBe(succeeded);
    expect(metrics.brand.mentionRate.n).toBe(succeeded);
    expect(metrics.brand.mentionRate.k).toBeGreaterThan(0);
    expect(metrics.brand.mentionRate.ci[0]).toBeLessThanOrEqual(metrics.brand.mentionRate.value ?? 0);
    expect(metrics.competitors.length).toBeGreaterThan(0);
    // Fine cells add up to the day totals, and a provider filter is a part of the whole.
    const cells = await rollups.readCells(tenantId, brandId, ...ALL_DAYS);
    expect(sumCounters(cells.map((c) => c.counters)).n).toBe(succeeded);
    const openai = await readBrandMetrics(
      { rollups },
      { tenantId, brandId, from: ALL_DAYS[0], to: ALL_DAYS[1], filter: { provider: 'openai' } },
    );
    expect(openai.n).toBeGreaterThan(0);
    expect(openai.n).toBeLessThan(succeeded);
  });

  it('the lake holds the run’s events as gzip NDJSON under tenants/<t>/events/type=<type>/dt=<date>/', async () => {
    const prefix = `tenants/${tenantId}/events/type=promptpulse.answer.analyzed/`;
    const answerIds = await until('the lake to hold every answer of the run', async () => {
      const ids = new Set<string>();
      for (const key of await lakeObjects(prefix)) {
        expect(key).toMatch(
          /^tenants\/ws_[0-9a-z]{26}\/events\/type=promptpulse\.answer\.analyzed\/dt=\d{4}-\d{2}-\d{2}\/[^/]+\.json\.gz$/,
        );
        for (const line of await readLines(key)) {
          const parsed = parseCanonicalEvent(line);
          expect(parsed.ok).toBe(true);
          if (parsed.ok && parsed.event.type === 'promptpulse.answer.analyzed' && parsed.event.data.runId === runId) {
            ids.add(parsed.event.data.answerId);
            expect(key).toContain(`/dt=${parsed.event.time.slice(0, 10)}/`);
          }
        }
      }
      const run = (await finishedRuns()).find((r) => r.id === runId);
      return run && ids.size === run.counts.succeeded ? ids : null;
    });
    expect(answerIds.size).toBeGreaterThan(0);
    const completed = await until('run.completed in the lake', async () => {
      const keys = await lakeObjects(`tenants/${tenantId}/events/type=promptpulse.run.completed/`);
      const lines = (await Promise.all(keys.map(readLines))).flat();
      return lines.some((l) => l.includes(runId)) ? lines : null;
    });
    expect(completed.length).toBeGreaterThan(0);
  });

  it('a garbage record lands under the lake error prefix and does not block the shard', async () => {
    const before = (await rollups.readDays(tenantId, brandId, ...ALL_DAYS)).length;
    await kinesis.send(
      new PutRecordCommand({
        StreamName: RESOURCE_NAMES.eventStream,
        PartitionKey: `${tenantId}#${brandId}`,
        Data: new TextEncoder().encode('{"not": "an event"'),
      }),
    );
    const errors = await until('an error object', async () => {
      const keys = await lakeObjects('errors/processing-failed/');
      return keys.length > 0 ? keys : null;
    });
    expect(errors[0]).toMatch(/^errors\/processing-failed\/dt=\d{4}-\d{2}-\d{2}\/[^/]+\.json\.gz$/);
    const [line] = await readLines(errors[0] ?? '');
    expect(JSON.parse(line ?? '{}')).toMatchObject({ errorMessage: 'record is not JSON' });
    expect((await rollups.readDays(tenantId, brandId, ...ALL_DAYS)).length).toBe(before);
  });

  it('DynamoDB transactions make replays harmless: the same event applied again changes nothing', async () => {
    const keys = await lakeObjects(`tenants/${tenantId}/events/type=promptpulse.answer.analyzed/`);
    const line = (await readLines(keys[0] ?? ''))[0] ?? '';
    const parsed = parseCanonicalEvent(line);
    if (!parsed.ok) throw new Error(parsed.reason);
    const delta = rollupDelta(parsed.event);
    if (!delta) throw new Error('no delta');
    const read = async () =>
      sumCounters((await rollups.readDays(tenantId, brandId, ...ALL_DAYS)).map((d) => d.counters));
    const before = await read();
    expect(await rollups.apply(parsed.event.id, delta)).toBe('duplicate');
    // Redelivered through the stream as well: the consumer drops it on its marker.
    await kinesis.send(
      new PutRecordCommand({
        StreamName: RESOURCE_NAMES.eventStream,
        PartitionKey: `${tenantId}#${brandId}`,
        Data: new TextEncoder().encode(line),
      }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(await read()).toEqual(before);
    // A fresh event id on a scratch brand is applied once, then refused.
    const scratch = { ...delta, brandId: 'brd_pipeline_scratch' };
    expect(await rollups.apply('01JZZZZZZZZZZZZZZZZZZZZZZZ', scratch)).toBe('applied');
    expect(await rollups.apply('01JZZZZZZZZZZZZZZZZZZZZZZZ', scratch)).toBe('duplicate');
    const [day] = await rollups.readDays(tenantId, 'brd_pipeline_scratch', ...ALL_DAYS);
    expect(day?.counters.n).toBe(1);
  });
});
