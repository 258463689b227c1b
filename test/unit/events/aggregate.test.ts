import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createAggregateHandler } from '../../../functions/handlers/aggregate/aggregate.ts';
import type { Run } from '../../../shared/contracts/runs.ts';
import { runCompletedEvent, runProgressedEvent } from '../../../shared/events/builders.ts';
import { corpusEvents, TENANT } from './fixtures.ts';
import { MemoryRollupStore } from './memory-rollup-store.ts';

const { events, brandId } = corpusEvents();

function kinesisEvent(payloads: readonly (string | object)[], firstSeq = 1): KinesisStreamEvent {
  return {
    Records: payloads.map((p, i) => ({
      eventSource: 'aws:kinesis',
      eventID: `shardId-000000000000:${firstSeq + i}`,
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      invokeIdentityArn: 'arn',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/promptpulse-events',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: `${TENANT}#${brandId}`,
        sequenceNumber: String(firstSeq + i).padStart(20, '0'),
        approximateArrivalTimestamp: 0,
        data: Buffer.from(typeof p === 'string' ? p : JSON.stringify(p)).toString('base64'),
      },
    })),
  };
}

/** The reference: every distinct event applied once, in order, to a fresh store. */
async function recomputation() {
  const store = new MemoryRollupStore();
  const handler = createAggregateHandler({ rollups: store });
  await handler(kinesisEvent(events));
  return store.snapshot();
}

describe('aggregation consumer', () => {
  it('skips bad records (logged with the reason) without failing the batch, and ignores run.progressed', async () => {
    const store = new MemoryRollupStore();
    const warnings: unknown[] = [];
    const handler = createAggregateHandler({
      rollups: store,
      log: { warn: (_m, d) => warnings.push(d), error: () => {} },
    });
    const run = {
      id: 'run_1',
      brandId,
      status: 'succeeded',
      promptSetVersion: 1,
      counts: { planned: 2, succeeded: 2, failed: 0, skipped: 0 },
      perProvider: {},
      usage: { inputTokens: 1, outputTokens: 2, costUsd: 0.5 },
      trigger: 'manual',
      createdAt: '2025-03-02T09:00:00.000Z',
      startedAt: '2025-03-02T09:00:01.000Z',
      finishedAt: '2025-03-02T09:05:00.000Z',
    } as unknown as Run;
    const result = await handler(
      kinesisEvent([
        '{broken',
        { specversion: '1.0' },
        events[0] as object,
        runProgressedEvent(TENANT, run, '2025-03-02T09:01:00.000Z'),
        runCompletedEvent(TENANT, run),
      ]),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(warnings).toHaveLength(2);
    expect(store.markers.size).toBe(2);
    const [day] = await store.readDays(TENANT, brandId, '2025-03-02', '2025-03-02');
    expect(day?.counters).toMatchObject({ 'run#n': 1, 'run#succeeded': 2, 'run#costUsd': 0.5 });
  });

  it('counts duplicates once: the same batch twice, and each event delivered twice in one batch', async () => {
    const reference = await recomputation();
    const store = new MemoryRollupStore();
    const handler = createAggregateHandler({ rollups: store });
    await handler(kinesisEvent(events.flatMap((e) => [e, e])));
    await handler(kinesisEvent(events));
    expect(store.snapshot()).toEqual(reference);
  });

  it('is order-independent: reversed and shuffled deliveries give the same rollups', async () => {
    const reference = await recomputation();
    const store = new MemoryRollupStore();
    const handler = createAggregateHandler({ rollups: store });
    const shuffled = [...events].reverse();
    for (let i = 0; i < shuffled.length; i += 7) await handler(kinesisEvent(shuffled.slice(i, i + 7)));
    expect(store.snapshot()).toEqual(reference);
  });

  it('a storage failure half-way reports the first unapplied record; the retry from it (and a full replay) never double counts', async () => {
    const reference = await recomputation();
    const store = new MemoryRollupStore();
    const handler = createAggregateHandler({ rollups: store, log: { warn: () => {}, error: () => {} } });
    const half = Math.floor(events.length / 2);
    store.failAfter = half;
    const failed = await handler(kinesisEvent(events));
    const failedSeq = String(1 + half).padStart(20, '0');
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: failedSeq }]);
    store.failAfter = null;
    // Lambda (and the local poller) resend from the failed record on.
    await handler(kinesisEvent(events.slice(half), 1 + half));
    expect(store.snapshot()).toEqual(reference);
    // A crash after commit but before the checkpoint redelivers everything: still the same.
    await handler(kinesisEvent(events));
    expect(store.snapshot()).toEqual(reference);
  });

  it('a crash mid-batch (the process dies after committing some events) then a replay converges to the recomputation', async () => {
    const reference = await recomputation();
    const store = new MemoryRollupStore();
    const handler = createAggregateHandler({ rollups: store });
    // The first third committed, then the function died: no response, the checkpoint did not move.
    await handler(kinesisEvent(events.slice(0, Math.floor(events.length / 3))));
    expect(store.snapshot()).not.toEqual(reference);
    await handler(kinesisEvent(events));
    expect(store.snapshot()).toEqual(reference);
  });
});
