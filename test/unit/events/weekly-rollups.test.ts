import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeAnalyzedEvents } from '../../../bench/pipeline.bench.ts';
import {
  addDays,
  chunkRollupEntries,
  isoWeekOf,
  isoWeekStart,
  mergeRollupEntries,
  rollupDelta,
  rollupEntry,
  rollupItemIds,
  sumCounters,
} from '../../../shared/events/rollups.ts';
import {
  readBrandMetrics,
  readBrandMetricsSeries,
  readRollupCounters,
  splitIntoWeeks,
} from '../../../shared/use-cases/aggregate.ts';
import { MemoryRollupStore } from './memory-rollup-store.ts';

// 28 days of October 2026 (Thursday 1st to Wednesday 28th): five ISO weeks, two of them partial.
const events = makeAnalyzedEvents({ count: 600, tenants: 2, brandsPerTenant: 2, seed: 3 });
const entries = events.map((e) => rollupEntry(e)).filter((e) => e !== null);
const { tenantId, brandId } = entries[0] as { tenantId: string; brandId: string };

async function loadedStore() {
  const store = new MemoryRollupStore();
  await store.applyBatch(entries);
  return store;
}

describe('ISO weeks', () => {
  it('knows the edge cases of the calendar', () => {
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01'); // a Thursday
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53'); // a Sunday of the previous ISO year
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01'); // a Monday of the next ISO year
    expect(isoWeekOf('2026-11-25')).toBe('2026-W48');
    expect(isoWeekStart('2020-W53')).toBe('2020-12-28');
    expect(isoWeekStart('2025-W01')).toBe('2024-12-30');
  });

  it('every day lies in the Monday-to-Sunday week its key names', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), (n) => {
        const day = addDays('1990-01-01', n);
        const monday = isoWeekStart(isoWeekOf(day));
        expect(new Date(`${monday}T00:00:00Z`).getUTCDay()).toBe(1);
        expect(monday <= day && day <= addDays(monday, 6)).toBe(true);
      }),
    );
  });

  it('splits a period into leading days, whole weeks and trailing days that cover it exactly', () => {
    expect(splitIntoWeeks('2026-10-01', '2026-10-28')).toEqual({
      before: ['2026-10-01', '2026-10-04'],
      weeks: ['2026-W41', '2026-W43'],
      after: ['2026-10-26', '2026-10-28'],
    });
    expect(splitIntoWeeks('2026-10-05', '2026-10-11')).toEqual({ weeks: ['2026-W41', '2026-W41'] });
    expect(splitIntoWeeks('2026-10-06', '2026-10-11')).toEqual({});
  });
});

const withoutPromptCounters = (c: Record<string, number>) =>
  Object.fromEntries(Object.entries(c).filter(([k]) => !k.startsWith('p#')));
/** Answers per prompt id from per-prompt counters, whatever cell each cluster key names (`p#[cell|]promptId#n`). */
const perPromptAnswers = (c: Record<string, number>) => {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(c)) {
    const m = /^p#(?:[^#]*\|)?([^#|]+)#n$/.exec(k);
    if (m) out[m[1] as string] = (out[m[1] as string] ?? 0) + v;
  }
  return out;
};

describe('weekly rollups next to daily ones', () => {
  it('a merged batch: day cells add up to day totals, week cells and week totals; all equal the per-event deltas', () => {
    const items = mergeRollupEntries(entries).filter((i) => i.tenantId === tenantId && i.brandId === brandId);
    const all = sumCounters(
      events
        .map((e) => rollupDelta(e))
        .filter((d) => d?.tenantId === tenantId && d.brandId === brandId)
        .map((d) => d?.counters ?? {}),
    );
    for (const granularity of ['day', 'week'] as const)
      for (const cells of [true, false]) {
        const part = items.filter((i) => i.granularity === granularity && (i.dims !== null) === cells);
        expect(sumCounters(part.map((i) => i.sums.toCounters())), `${granularity} ${cells}`).toEqual(all);
      }
  });

  it('any period reads the same from whole weeks + edge days as from day totals alone, with or without a filter', async () => {
    const store = await loadedStore();
    const days = Array.from({ length: 28 }, (_, i) => addDays('2026-10-01', i));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 27 }),
        fc.integer({ min: 0, max: 27 }),
        fc.constantFrom({}, { provider: 'openai' }, { branded: false }),
        async (a, b, filter) => {
          const [from, to] = [days[Math.min(a, b)] as string, days[Math.max(a, b)] as string];
          const byDays = sumCounters(
            Object.keys(filter).length === 0
              ? (await store.readDays(tenantId, brandId, from, to)).map((d) => d.counters)
              : (await store.readCells(tenantId, brandId, from, to))
                  .filter((c) => MemoryRollupStore.matches(c.dims, filter))
                  .map((c) => c.counters),
          );
          // Per-prompt counters come back per cell (clusters: day or week), so they are compared summed per prompt.
          const read = await readRollupCounters({ rollups: store }, { tenantId, brandId, from, to, filter });
          expect(withoutPromptCounters(read)).toEqual(withoutPromptCounters(byDays));
          const dayCells = (await store.readCells(tenantId, brandId, from, to))
            .filter((c) => MemoryRollupStore.matches(c.dims, filter))
            .map((c) => c.counters);
          expect(perPromptAnswers(read)).toEqual(perPromptAnswers(sumCounters(dayCells)));
          expect(Object.values(perPromptAnswers(read)).reduce((a, b) => a + b, 0)).toBe(byDays.n ?? 0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a weekly series clips the edge weeks to the period, and each bucket equals the metrics of its own days', async () => {
    const store = await loadedStore();
    const query = { tenantId, brandId, from: '2026-10-01', to: '2026-10-28' };
    const series = await readBrandMetricsSeries({ rollups: store }, { ...query, granularity: 'week' });
    expect(series.map((b) => [b.period, b.from, b.to])).toEqual([
      ['2026-W40', '2026-10-01', '2026-10-04'],
      ['2026-W41', '2026-10-05', '2026-10-11'],
      ['2026-W42', '2026-10-12', '2026-10-18'],
      ['2026-W43', '2026-10-19', '2026-10-25'],
      ['2026-W44', '2026-10-26', '2026-10-28'],
    ]);
    for (const bucket of series) {
      const own = await readBrandMetrics({ rollups: store }, { ...query, from: bucket.from, to: bucket.to });
      expect(bucket.report).toEqual(own);
    }
    expect(series.reduce((n, b) => n + b.report.n, 0)).toBe((await readBrandMetrics({ rollups: store }, query)).n);
    const daily = await readBrandMetricsSeries({ rollups: store }, { ...query, granularity: 'day' });
    expect(daily).toHaveLength(28);
    expect(daily.reduce((n, b) => n + b.report.n, 0)).toBe(series.reduce((n, b) => n + b.report.n, 0));
  });
});

describe('chunks of a batch for DynamoDB transactions', () => {
  it('keep the order, and each chunk’s markers + distinct items fit the limit', () => {
    for (const max of [5, 25, 100]) {
      const chunks = chunkRollupEntries(entries, max);
      expect(chunks.flat()).toEqual(entries);
      for (const chunk of chunks) {
        const items = new Set(chunk.flatMap(rollupItemIds));
        expect(chunk.length + items.size).toBeLessThanOrEqual(max);
      }
    }
  });
});
