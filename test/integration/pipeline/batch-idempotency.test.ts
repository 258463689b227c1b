import { isDeepStrictEqual } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { makeAnalyzedEvents } from '../../../bench/pipeline.bench.ts';
import { createDocumentClient } from '../../../functions/adapters/aws/clients.ts';
import { DynamoDbRollupStore } from '../../../functions/adapters/aws/dynamodb-rollup-store.ts';
import { localKinesisClient } from '../../../local/emulators/kinesis.ts';
import { localS3Client } from '../../../local/emulators/s3.ts';
import { itemCounters } from '../../../shared/events/rollup-merge.ts';
import {
  mergeRollupEntries,
  type RollupCounters,
  type RollupEntry,
  rollupEntry,
  sumCounters,
} from '../../../shared/events/rollups.ts';
import { parseCanonicalEvent } from '../../../shared/events/schemas.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';
import type { RollupStore } from '../../../shared/ports/rollups.ts';

const stack = inject('stack');
const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
const s3 = localS3Client(stack.s3Endpoint);
const kinesis = localKinesisClient(stack.kinesisEndpoint);
const ALL = ['2000-01-01', '2999-12-31'] as const;
const ALL_WEEKS = ['2000-W01', '2999-W52'] as const;

afterAll(() => {
  db.destroy();
  s3.destroy();
  kinesis.destroy();
});

/** Everything the store holds for some brands, keyed by item, counters rounded to 1e-9 (decimal sums). */
async function storedState(store: RollupStore, tenantId: string, brandIds: readonly string[]) {
  const state: Record<string, RollupCounters> = {};
  const round = (c: RollupCounters) =>
    Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Math.round(v * 1e9) / 1e9]));
  for (const brandId of brandIds) {
    for (const d of await store.readDays(tenantId, brandId, ...ALL))
      state[`${brandId} day ${d.day}`] = round(d.counters);
    for (const w of await store.readWeeks(tenantId, brandId, ...ALL_WEEKS))
      state[`${brandId} week ${w.period}`] = round(w.counters);
    for (const granularity of ['day', 'week'] as const) {
      const [from, to] = granularity === 'day' ? ALL : ALL_WEEKS;
      for (const c of await store.readCells(tenantId, brandId, from, to, granularity)) {
        const d = c.dims;
        state[
          `${brandId} ${granularity}cell ${c.period} ${d.promptSetVersion} ${d.provider} ${d.surface} ${d.topic} ${d.branded}`
        ] = round(c.counters);
      }
    }
  }
  return state;
}

/** The same state recomputed from scratch: every distinct event once, merged in memory. */
function recomputed(entries: readonly RollupEntry[]) {
  const seen = new Set<string>();
  const distinct = entries.filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
  const state: Record<string, RollupCounters[]> = {};
  for (const item of mergeRollupEntries(distinct)) {
    const d = item.dims;
    const key = d
      ? `${item.brandId} ${item.granularity}cell ${item.period} ${d.promptSetVersion} ${d.provider} ${d.surface} ${d.topic} ${d.branded}`
      : `${item.brandId} ${item.granularity} ${item.period}`;
    // What the store keeps: fine cells with their per-prompt counters, brand totals without.
    state[key] = [...(state[key] ?? []), itemCounters(item)];
  }
  return Object.fromEntries(
    Object.entries(state).map(([k, parts]) => [
      k,
      Object.fromEntries(Object.entries(sumCounters(parts)).map(([n, v]) => [n, Math.round(v * 1e9) / 1e9])),
    ]),
  );
}

/** A document client whose `n`-th transaction (1-based) fails before it is sent: a crash between chunks. */
function failingOnTransaction(n: number): DynamoDBDocumentClient {
  let transactions = 0;
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'TransactWriteCommand' && ++transactions === n) {
          return Promise.reject(Object.assign(new Error('simulated crash'), { name: 'ServiceUnavailable' }));
        }
        return target.send(command as never);
      };
    },
  });
}

describe('batched rollup writes on DynamoDB Local (merged per chunk, one transaction each)', () => {
  const events = makeAnalyzedEvents({ count: 240, tenants: 1, brandsPerTenant: 3, seed: Date.now() % 100_000 });
  const entries = events.map((e) => rollupEntry(e)).filter((e) => e !== null);
  const tenantId = (entries[0] as RollupEntry).tenantId;
  const brandIds = [...new Set(entries.map((e) => e.brandId))];
  const expected = recomputed(entries);

  it('duplicates inside a batch, a crash between chunks, the retry from the failed record and full replays count every event once', async () => {
    // Small transactions so one batch spans many chunks (and a crash can fall between them).
    const options = { maxTransactionItems: 24 };
    const store = new DynamoDbRollupStore(db, RESOURCE_NAMES.table, options);
    const half = entries.slice(0, 120);
    const first = await store.applyBatch([...half, ...half.slice(0, 30)]);
    expect(first).toEqual({ applied: 120, duplicates: 30 });

    const crashing = new DynamoDbRollupStore(failingOnTransaction(3), RESOURCE_NAMES.table, options);
    const crashed = await crashing.applyBatch(entries);
    expect(crashed.failed?.error.message).toBe('simulated crash');
    const failedAt = crashed.failed?.index ?? -1;
    expect(failedAt).toBeGreaterThan(0);
    // Everything before the failed record is stored: the first 120 as duplicates, then fresh events.
    expect(crashed.applied + crashed.duplicates).toBe(failedAt);

    const retry = await store.applyBatch(entries.slice(failedAt));
    expect(crashed.applied + retry.applied).toBe(120);
    expect(await storedState(store, tenantId, brandIds)).toEqual(expected);

    const replay = await store.applyBatch([...entries].reverse());
    expect(replay).toEqual({ applied: 0, duplicates: 240 });
    expect(await storedState(store, tenantId, brandIds)).toEqual(expected);
  });
});

async function lakeEvents(tenantId: string) {
  const lines: string[] = [];
  for (const type of ['promptpulse.answer.analyzed', 'promptpulse.run.completed']) {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: RESOURCE_NAMES.lakeBucket,
          Prefix: `tenants/${tenantId}/events/type=${type}/`,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        const body = await s3.send(new GetObjectCommand({ Bucket: RESOURCE_NAMES.lakeBucket, Key: object.Key }));
        const bytes = await (body.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
        lines.push(...gunzipSync(Buffer.from(bytes)).toString('utf8').split('\n').filter(Boolean));
      }
      token = page.NextContinuationToken;
    } while (token);
  }
  return lines;
}

async function publish(lines: readonly string[], partitionKey: string) {
  for (let i = 0; i < lines.length; i += 400) {
    const res = await kinesis.send(
      new PutRecordsCommand({
        StreamName: RESOURCE_NAMES.eventStream,
        Records: lines
          .slice(i, i + 400)
          .map((line) => ({ PartitionKey: partitionKey, Data: new TextEncoder().encode(line) })),
      }),
    );
    expect(res.FailedRecordCount ?? 0).toBe(0);
  }
}

describe('aggregates equal a from-scratch recomputation over the lake', () => {
  it('after events with duplicates go through the stream, and after every lake event is replayed twice', async () => {
    // A tenant of its own, published through kinesalite: the consumer and the lake writer both read it.
    const events = makeAnalyzedEvents({
      count: 120,
      tenants: 1,
      brandsPerTenant: 2,
      seed: 1 + (Date.now() % 99_991),
      // One day: one lake partition, so each probe reads a handful of objects.
      day: '2026-10-14',
    });
    const tenantId = events[0]?.tenantid as string;
    const lines = events.map((e) => JSON.stringify(e));
    const brandIds = [...new Set(events.map((e) => e.data.brandId))];
    const store = new DynamoDbRollupStore(db, RESOURCE_NAMES.table);
    const compare = async () => {
      const lake = await lakeEvents(tenantId);
      const entries = lake
        .map(parseCanonicalEvent)
        .flatMap((p) => (p.ok ? [rollupEntry(p.event)] : []))
        .filter((e) => e !== null);
      return { lake, expected: recomputed(entries), actual: await storedState(store, tenantId, brandIds) };
    };
    const converged = async (what: string, lakeLines: number) => {
      // Bounded by time, not by a count of probes: the lake writer flushes every second, the consumer in batches.
      const deadline = Date.now() + 100_000;
      let last = await compare();
      // Structural equality: the two states list their keys in different orders.
      while (
        Date.now() < deadline &&
        (last.lake.length < lakeLines || !isDeepStrictEqual(last.actual, last.expected))
      ) {
        await new Promise((r) => setTimeout(r, 1000));
        last = await compare();
      }
      expect(last.lake.length, what).toBe(lakeLines);
      expect(last.actual, what).toEqual(last.expected);
      return last;
    };
    // Every event once, and the first 50 again in the same stream (a publisher retry).
    const published = [...lines, ...lines.slice(0, 50)];
    await publish(published, `${tenantId}#${brandIds[0]}`);
    const before = await converged('rollups equal the lake', published.length);
    expect(before.expected).toEqual(recomputed(events.map((e) => rollupEntry(e)).filter((e) => e !== null)));

    // Replays: the whole lake published again, twice, in reverse order (dropped on the markers).
    const replay = [...before.lake].reverse();
    await publish([...replay, ...replay], `${tenantId}#replay`);
    const after = await converged('rollups equal the lake after the replays', 3 * published.length);
    expect(after.actual).toEqual(before.actual);
  }, 240_000);
});
