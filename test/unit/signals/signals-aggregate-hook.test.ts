import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createAggregateHandler } from '../../../functions/handlers/aggregate/aggregate.ts';
import type { SignalAlert } from '../../../shared/contracts/signals.ts';
import type { SignalAlertStore, SignalStore } from '../../../shared/ports/signals.ts';
import type { SignalFact } from '../../../shared/signals/rollups.ts';
import { signalEvent } from '../../support/signals-fixtures.ts';
import { MemoryRollupStore } from '../events/memory-rollup-store.ts';

const tenantId = 'ws_01j9zzzzzzzzzzzzzzzzzzzzzz';
const brandId = 'brd_01m8a8at00000000000000000b';

/** In-memory signal store: applies once per event id; throws for ids listed in `failOn`. */
function memorySignals(failOn: Set<string>) {
  const applied = new Map<string, SignalFact>();
  const store: SignalStore = {
    apply: async (fact) => {
      if (failOn.has(fact.eventId)) throw new Error('throttled');
      if (applied.has(fact.eventId)) return 'duplicate';
      applied.set(fact.eventId, fact);
      return 'applied';
    },
    readDays: async () => [],
    readCollection: async () => [],
    topPosts: async () => [],
    listFeed: async () => ({ items: [], nextCursor: null }),
  };
  return { store, applied };
}
const noAlerts: SignalAlertStore = {
  create: async () => 'created',
  get: async () => null,
  listForDays: async () => [] as SignalAlert[],
  list: async () => ({ items: [], nextCursor: null }),
  acknowledge: async () => null,
  withdraw: async () => {},
};

function kinesisEvent(payloads: unknown[]): KinesisStreamEvent {
  return {
    Records: payloads.map((p, i) => ({
      kinesis: { sequenceNumber: String(1000 + i), data: Buffer.from(JSON.stringify(p)).toString('base64') },
    })),
  } as unknown as KinesisStreamEvent;
}

const signals = Array.from({ length: 4 }, (_, i) =>
  signalEvent({ tenantId, brandId, externalId: `s${i}`, publishedAt: '2026-11-20T10:00:00.000Z', sentiment: 0.2 }),
);

describe('aggregation consumer: the signal pass', () => {
  it('applies each signal once; a redelivered batch changes nothing', async () => {
    const { store, applied } = memorySignals(new Set());
    const handler = createAggregateHandler({
      rollups: new MemoryRollupStore(),
      signals: { signals: store, alerts: noAlerts, clock: { now: () => new Date('2026-11-21T00:00:00Z') } },
    });
    const event = kinesisEvent([...signals, signals[0], { not: 'an event' }]);
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect([...applied.keys()]).toEqual(signals.map((s) => s.id));
  });

  it('reports the first record the signal store could not take, so the stream resumes from it', async () => {
    const { store, applied } = memorySignals(new Set([signals[2]?.id as string]));
    const handler = createAggregateHandler({
      rollups: new MemoryRollupStore(),
      signals: { signals: store, alerts: noAlerts, clock: { now: () => new Date('2026-11-21T00:00:00Z') } },
    });
    const result = await handler(kinesisEvent(signals));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1002' }] });
    expect(applied.size).toBe(2);
  });
});
