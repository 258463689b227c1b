import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeAnalyzedEvents } from '../../../bench/pipeline.bench.ts';
import {
  CounterSums,
  isoWeekOf,
  isoWeekStart,
  type MergedRollupItem,
  mergeRollupEntries,
  type RollupCounters,
  type RollupDims,
  rollupDelta,
  rollupEntry,
  sumCounters,
} from '../../../shared/events/rollups.ts';
import type { AnswerAnalyzedEvent, RunCompletedEvent } from '../../../shared/events/schemas.ts';

/**
 * The batch merge against a reference that knows nothing of its grouping: every event's own delta (`rollupDelta`,
 * named counters), summed per item it touches (day cell, week cell, day total, week total).
 */

// Mixed batches (many tenants/brands/days), one crowded brand-day (more cells than a linear scan handles), answers
// tracking more entities than a linear scan handles, and runs (totals only).
const spread = makeAnalyzedEvents({ count: 240, tenants: 3, brandsPerTenant: 2, seed: 11 });
const crowded = makeAnalyzedEvents({ count: 120, tenants: 1, brandsPerTenant: 1, seed: 12, day: '2026-10-05' });
const manyEntities: AnswerAnalyzedEvent[] = spread.slice(0, 12).map((event, i) => ({
  ...event,
  id: `${event.id}-many`,
  data: {
    ...event.data,
    entities: [
      ...event.data.entities,
      ...Array.from({ length: 10 }, (_, k) => ({
        ...(event.data.entities[0] as AnswerAnalyzedEvent['data']['entities'][number]),
        entityId: `${event.data.brandId}_x${(k + i) % 13}`,
        kind: 'competitor' as const,
      })),
    ],
  },
}));
const runs = spread.slice(0, 6).map(
  (event, i) =>
    ({
      type: 'promptpulse.run.completed',
      id: `run-event-${i}`,
      data: {
        tenantId: event.data.tenantId,
        brandId: event.data.brandId,
        runId: `run_${i}`,
        status: i % 2 ? 'succeeded' : 'partial',
        promptSetVersion: 1,
        counts: { planned: 10 + i, succeeded: 8, failed: 1 + i, skipped: 1 },
        usage: { inputTokens: 100, outputTokens: 200, costUsd: 0.0123 * (i + 1) },
        finishedAt: event.data.answeredAt,
      },
    }) as unknown as RunCompletedEvent,
);
const pool: (AnswerAnalyzedEvent | RunCompletedEvent)[] = [...spread, ...crowded, ...manyEntities, ...runs];

const cellOf = (dims: RollupDims | null) =>
  dims ? JSON.stringify([dims.promptSetVersion, dims.provider, dims.surface, dims.topic, dims.branded]) : 'total';
const keyOf = (tenantId: string, brandId: string, granularity: string, period: string, dims: RollupDims | null) =>
  [tenantId, brandId, granularity, period, cellOf(dims)].join('|');

/** Item key → summed named counters, from each event's own delta. */
function expectedItems(events: readonly (AnswerAnalyzedEvent | RunCompletedEvent)[]): Map<string, RollupCounters> {
  const parts = new Map<string, RollupCounters[]>();
  const add = (key: string, counters: RollupCounters) => parts.set(key, [...(parts.get(key) ?? []), counters]);
  for (const event of events) {
    const delta = rollupDelta(event);
    if (!delta) continue;
    const week = isoWeekOf(delta.day);
    add(keyOf(delta.tenantId, delta.brandId, 'day', delta.day, null), delta.counters);
    add(keyOf(delta.tenantId, delta.brandId, 'week', week, null), delta.counters);
    if (delta.cell) {
      add(keyOf(delta.tenantId, delta.brandId, 'day', delta.day, delta.cell), delta.counters);
      add(keyOf(delta.tenantId, delta.brandId, 'week', week, delta.cell), delta.counters);
    }
  }
  return new Map([...parts].map(([key, all]) => [key, sumCounters(all)]));
}

function actualItems(items: readonly MergedRollupItem[]): Map<string, RollupCounters> {
  const out = new Map<string, RollupCounters>();
  for (const item of items) {
    const key = keyOf(item.tenantId, item.brandId, item.granularity, item.period, item.dims);
    expect(out.has(key), `item ${key} handed out twice`).toBe(false);
    out.set(key, item.sums.toCounters());
  }
  return out;
}

describe('mergeRollupEntries', () => {
  it('for any batch of distinct events, in any order: one item per touched cell/total, each the sum of its events', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(pool, { minLength: 1, maxLength: 150 }), (events) => {
        const entries = events.map((e) => rollupEntry(e)).filter((e) => e !== null);
        const items = mergeRollupEntries(entries);
        expect(actualItems(items)).toEqual(expectedItems(events));
        // Items share sums (copy on write): merging the same entries again (a retried batch) gives the same items.
        expect(actualItems(mergeRollupEntries(entries))).toEqual(actualItems(items));
        for (const item of items) {
          if (!item.dims) {
            expect(item.cellKey).toBe('');
            continue;
          }
          expect(item.dims.day).toBe(item.granularity === 'day' ? item.period : isoWeekStart(item.period));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives a cell the same key object in every item and batch, and different cells different keys', () => {
    const keys = new Map<string, string>();
    for (const batch of [pool.slice(0, 200), pool.slice(150)]) {
      const entries = batch.map((e) => rollupEntry(e)).filter((e) => e !== null);
      for (const item of mergeRollupEntries(entries)) {
        if (!item.dims) continue;
        const cell = cellOf(item.dims);
        const known = keys.get(cell);
        if (known === undefined) keys.set(cell, item.cellKey);
        else expect(item.cellKey).toBe(known);
      }
    }
    expect(new Set(keys.values()).size).toBe(keys.size);
  });

  it('the same batch merged twice gives the same items (nothing of the first merge leaks into the second)', () => {
    const entries = pool.map((e) => rollupEntry(e)).filter((e) => e !== null);
    expect(actualItems(mergeRollupEntries(entries))).toEqual(actualItems(mergeRollupEntries(entries)));
  });
});

describe('CounterSums', () => {
  it('adding sums equals adding the answers themselves, with few or many entities', () => {
    const answers = [...manyEntities, ...spread.slice(0, 30)].map((e) => e.data);
    const direct = new CounterSums();
    const viaSums = new CounterSums();
    for (const data of answers) {
      direct.addAnswer(data);
      viaSums.addSums(new CounterSums().addAnswer(data));
    }
    expect(viaSums.toCounters()).toEqual(direct.toCounters());
    expect(direct.copy().toCounters()).toEqual(direct.toCounters());
    expect(direct.toCounters()).toEqual(
      sumCounters(answers.map((data) => new CounterSums().addAnswer(data).toCounters())),
    );
  });
});
