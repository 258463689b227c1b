import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/aws/clients.ts';
import { DynamoDbRollupStore } from '../../functions/adapters/aws/dynamodb-rollup-store.ts';
import { localKinesisClient } from '../../local/emulators/kinesis.ts';
import { localS3Client } from '../../local/emulators/s3.ts';
import { type Answer, AnswerSchema, type Run } from '../../shared/contracts/runs.ts';
import { isPromptCounter } from '../../shared/events/rollup-counters.ts';
import { rollupDelta, sumCounters } from '../../shared/events/rollups.ts';
import { parseCanonicalEvent } from '../../shared/events/schemas.ts';
import { RESOURCE_NAMES } from '../../shared/infra/resources.ts';
import { call } from '../support/api.ts';
import { waitForRun } from '../support/runs.ts';
import { freshAccount, ownerOfNewWorkspace } from '../support/sessions.ts';
import { lakeLines, until } from './support/lake.ts';
import { record } from './support/ledger.ts';
import { setFaults } from './support/world.ts';

const stack = inject('stack');
const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
const rollups = new DynamoDbRollupStore(db, RESOURCE_NAMES.table);
const kinesis = localKinesisClient(stack.kinesisEndpoint);
const s3 = localS3Client(stack.s3Endpoint);
const ALL_DAYS = ['2000-01-01', '2999-12-31'] as const;
let token = '';
let tenantId = '';

async function brandWith(name: string, prompts: number, providers: unknown[], samples = 1) {
  const brand = await call(stack.apiUrl, 'POST', '/brands', {
    token,
    body: { name, category: 'Product analytics', competitors: [{ name: 'Northwind Insights' }] },
  });
  expect(brand.status, JSON.stringify(brand.json)).toBe(201);
  await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/prompt-set`, {
    token,
    headers: { 'if-match': '"0"' },
    body: {
      prompts: Array.from({ length: prompts }, (_, i) => ({
        text: `Which product analytics tool is best, take ${i}?`,
      })),
    },
  });
  const settings = await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/run-settings`, {
    token,
    headers: { 'if-match': '"0"' },
    body: { providers, samplesPerPrompt: samples, schedule: { kind: 'manual' } },
  });
  expect(settings.status, JSON.stringify(settings.json)).toBe(200);
  return brand.json.id as string;
}

async function itemsOf(runId: string) {
  const items: {
    itemId: string;
    status: string;
    answerId: string | null;
    error?: { name: string; message: string } | null;
  }[] = [];
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
  return items;
}

/** The brand's rollups must equal a recomputation from its stored answers (every succeeded answer counted once). */
async function expectRollupsReconcile(brandId: string, runs: Run[]) {
  const succeeded = runs.reduce((n, r) => n + r.counts.succeeded, 0);
  const totals = await until('the rollups to count every succeeded answer', async () => {
    const t = sumCounters((await rollups.readDays(tenantId, brandId, ...ALL_DAYS)).map((d) => d.counters));
    return t.n === succeeded && t['run#n'] === runs.length ? t : null;
  });
  expect(totals.n).toBe(succeeded);
  expect(totals['run#succeeded']).toBe(succeeded);
}

beforeAll(async () => {
  const account = await freshAccount(stack, 'faults');
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Fault Lines');
  token = owner.token;
  tenantId = owner.tenantId;
});

afterAll(async () => {
  await setFaults(stack, {});
  db.destroy();
  kinesis.destroy();
  s3.destroy();
});

describe('provider storms during a run', () => {
  it('429 / 5xx / timeouts / truncated and malformed bodies: nothing lost or doubled, every failure has its reason, next run clean', async () => {
    const brandId = await brandWith(
      'Storm Front',
      6,
      [
        { provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' },
        { provider: 'gemini', model: 'gemini-3.5-flash-lite', surface: 'api' },
        { provider: 'perplexity', model: 'sonar', surface: 'api_web_search' },
      ],
      2,
    );
    await setFaults(stack, { default: { latencyMs: { mean: 500, jitter: 100 } } });
    const started = await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token });
    expect(started.status).toBe(202);
    // The storm starts once the run is under way.
    await until('the run to be running', async () => {
      const run = (await call(stack.apiUrl, 'GET', `/runs/${started.json.runId}`, { token })).json;
      return run.counts.succeeded > 0 ? run : null;
    });
    await setFaults(stack, {
      default: {
        throttleRate: 0.25,
        retryAfterSeconds: 0,
        serverErrorRate: 0.1,
        unavailableRate: 0.1,
        timeoutRate: 0.05,
        truncatedRate: 0.05,
        malformedRate: 0.05,
        latencyMs: { mean: 50, jitter: 50 },
      },
      gemini: { serverErrorRate: 1 },
    });
    const run = await waitForRun(stack.apiUrl, token, started.json.runId, 240_000);
    await setFaults(stack, {});

    const items = await itemsOf(run.id);
    expect(items).toHaveLength(run.counts.planned);
    expect(run.counts.succeeded + run.counts.failed + run.counts.skipped).toBe(run.counts.planned);
    // Every failure says why; every success has exactly one stored answer, readable and within its schema.
    for (const item of items.filter((i) => i.status === 'failed'))
      expect(item.error?.name, item.itemId).toMatch(/Error$/);
    const answered = items.filter((i) => i.status === 'succeeded');
    expect(new Set(answered.map((i) => i.answerId)).size).toBe(answered.length);
    const answers: Answer[] = [];
    for (const item of answered)
      answers.push(AnswerSchema.parse((await call(stack.apiUrl, 'GET', `/answers/${item.answerId}`, { token })).json));
    expect(answers.every((a) => a.analysisStatus === 'analyzed')).toBe(true);
    expect(run.counts.failed).toBeGreaterThan(0);
    expect(run.errors.length).toBeGreaterThan(0);
    await expectRollupsReconcile(brandId, [run]);

    // Usable again without repair: the same brand runs clean.
    const next = await waitForRun(
      stack.apiUrl,
      token,
      (await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token })).json.runId,
    );
    expect(next.status).toBe('succeeded');
    await expectRollupsReconcile(brandId, [run, next]);
    console.log(
      `storm: ${run.counts.planned} items → ${run.counts.succeeded} answered, ${run.counts.failed} failed (${[...new Set(items.filter((i) => i.error).map((i) => i.error?.name))].join(', ')}), 0 lost, 0 doubled`,
    );
    record({
      kind: 'fault',
      name: 'provider storm (429/5xx/timeout/truncated/malformed) mid-run',
      count: run.counts.planned + next.counts.planned,
      lost: 0,
    });
  });
});

describe('the event pipeline under duplicate, out-of-order and partially processed delivery', () => {
  let events: string[] = [];
  let scratchBrand = '';

  beforeAll(async () => {
    // A run's real answer.analyzed events, re-addressed to a scratch brand with fresh event ids.
    const brandId = await brandWith(
      'Event Source',
      5,
      [{ provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' }],
      3,
    );
    const run = await waitForRun(
      stack.apiUrl,
      token,
      (await call(stack.apiUrl, 'POST', `/brands/${brandId}/runs`, { token })).json.runId,
    );
    const lines = await until('the run’s events in the lake', async () => {
      const all = (await lakeLines(s3, `tenants/${tenantId}/events/type=promptpulse.answer.analyzed/`)).filter((l) =>
        l.includes(run.id),
      );
      return all.length === run.counts.succeeded ? all : null;
    });
    scratchBrand = `brd_${ulid().toLowerCase()}`;
    events = lines.map((line) => {
      const event = JSON.parse(line);
      return JSON.stringify({ ...event, id: ulid(), data: { ...event.data, brandId: scratchBrand } });
    });
  });

  const expected = () => {
    const deltas = events.map((line) => {
      const parsed = parseCanonicalEvent(line);
      if (!parsed.ok) throw new Error(parsed.reason);
      const delta = rollupDelta(parsed.event);
      if (!delta) throw new Error('no delta');
      return delta.counters;
    });
    // Brand day totals keep no per-prompt counters (only fine cells do): compare like with like.
    return Object.fromEntries(Object.entries(sumCounters(deltas)).filter(([name]) => !isPromptCounter(name)));
  };
  const totals = async () =>
    sumCounters((await rollups.readDays(tenantId, scratchBrand, ...ALL_DAYS)).map((d) => d.counters));

  it('counts each event once when every event arrives three times, shuffled, across shards', async () => {
    const deliveries = [...events, ...events, ...events].sort(() => Math.random() - 0.5);
    for (let i = 0; i < deliveries.length; i += 100) {
      const result = await kinesis.send(
        new PutRecordsCommand({
          StreamName: RESOURCE_NAMES.eventStream,
          Records: deliveries.slice(i, i + 100).map((line, k) => ({
            // Random partition keys spread the copies over both shards, so they also arrive out of order.
            PartitionKey: `${tenantId}#${scratchBrand}#${i + k}`,
            Data: new TextEncoder().encode(line),
          })),
        }),
      );
      expect(result.FailedRecordCount ?? 0).toBe(0);
    }
    const want = expected();
    const got = await until('the rollups to take every event', async () => {
      const t = await totals();
      return t.n === want.n ? t : null;
    });
    // Settle, then compare every counter: a late duplicate must not add anything.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await totals()).toEqual(want);
    expect(got.n).toBe(events.length);
    record({
      kind: 'fault',
      name: 'duplicate (×3) and out-of-order event delivery',
      count: deliveries.length,
      lost: 0,
    });
  });

  it('a consumer that crashes after part of a batch and gets the whole batch again counts each event once', async () => {
    Object.assign(process.env, {
      TABLE_NAME: RESOURCE_NAMES.table,
      DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const { handler } = await import('../../functions/handlers/aggregate/index.ts');
    const batchBrand = `brd_${ulid().toLowerCase()}`;
    const batch = events.map((line) => {
      const event = JSON.parse(line);
      return JSON.stringify({ ...event, id: ulid(), data: { ...event.data, brandId: batchBrand } });
    });
    const toEvent = (lines: string[]): KinesisStreamEvent => ({
      Records: lines.map((line, i) => ({
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${i}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/promptpulse-events',
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: 'p',
          sequenceNumber: String(i),
          approximateArrivalTimestamp: Date.now() / 1000,
          data: Buffer.from(line).toString('base64'),
        },
      })),
    });
    const invoke = handler as unknown as (
      e: KinesisStreamEvent,
      c: unknown,
    ) => Promise<{ batchItemFailures: unknown[] }>;
    const context = { functionName: 'promptpulse-aggregate', awsRequestId: 'resilience' };
    // The first invocation "dies" after the first third of the batch; the event source mapping redelivers it all.
    await invoke(toEvent(batch.slice(0, Math.ceil(batch.length / 3))), context);
    const result = await invoke(toEvent(batch), context);
    expect(result.batchItemFailures).toEqual([]);
    const t = sumCounters((await rollups.readDays(tenantId, batchBrand, ...ALL_DAYS)).map((d) => d.counters));
    expect(t).toEqual(expected());
    record({
      kind: 'fault',
      name: 'consumer crash after a partial batch, batch redelivered',
      count: batch.length,
      lost: 0,
    });
  });
});
