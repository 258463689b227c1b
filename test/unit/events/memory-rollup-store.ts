import {
  deltaEntry,
  itemCounters,
  matchesFilter,
  mergeRollupEntries,
  type RollupCounters,
  type RollupDelta,
  type RollupEntry,
  type RollupGranularity,
  sumCounters,
} from '../../../shared/events/rollups.ts';
import type { RollupBatchOutcome, RollupCell, RollupStore, RollupTotal } from '../../../shared/ports/rollups.ts';

/**
 * An in-memory RollupStore with the DynamoDB adapter's semantics: an event's marker and counters commit together or
 * not at all, once per event id. Entries are committed one by one, so `failAfter` can stop a batch at any event.
 */
export class MemoryRollupStore implements RollupStore {
  readonly markers = new Set<string>();
  readonly cells = new Map<string, RollupCell>();
  readonly days = new Map<string, { day: string; counters: RollupCounters }>();
  readonly weekCells = new Map<string, RollupCell>();
  readonly weeks = new Map<string, RollupTotal>();
  /** Number of further successful entries before every write throws (a crash / outage); null = never. */
  failAfter: number | null = null;

  async applyBatch(entries: readonly RollupEntry[]): Promise<RollupBatchOutcome> {
    let applied = 0;
    let duplicates = 0;
    for (const [index, entry] of entries.entries()) {
      if (this.failAfter !== null) {
        if (this.failAfter <= 0) {
          const error = Object.assign(new Error('simulated outage'), { name: 'ServiceUnavailable' });
          return { applied, duplicates, failed: { index, error } };
        }
        this.failAfter--;
      }
      const marker = `${entry.tenantId}#${entry.eventId}`;
      if (this.markers.has(marker)) {
        duplicates++;
        continue;
      }
      this.markers.add(marker);
      applied++;
      for (const item of mergeRollupEntries([entry])) {
        const owner = `${item.tenantId}|${item.brandId}|`;
        if (item.dims) {
          const map = item.granularity === 'day' ? this.cells : this.weekCells;
          const key = `${owner}${item.period}|${JSON.stringify(item.dims)}`;
          const cell = map.get(key) ?? { period: item.period, dims: item.dims, counters: {} };
          cell.counters = sumCounters([cell.counters, itemCounters(item)]);
          map.set(key, cell);
        } else if (item.granularity === 'day') {
          const key = `${owner}${item.period}`;
          const day = this.days.get(key) ?? { day: item.period, counters: {} };
          day.counters = sumCounters([day.counters, itemCounters(item)]);
          this.days.set(key, day);
        } else {
          const key = `${owner}${item.period}`;
          const week = this.weeks.get(key) ?? { period: item.period, counters: {} };
          week.counters = sumCounters([week.counters, itemCounters(item)]);
          this.weeks.set(key, week);
        }
      }
    }
    return { applied, duplicates };
  }

  async apply(eventId: string, delta: RollupDelta): Promise<'applied' | 'duplicate'> {
    const outcome = await this.applyBatch([deltaEntry(eventId, delta)]);
    if (outcome.failed) throw outcome.failed.error;
    return outcome.applied === 1 ? 'applied' : 'duplicate';
  }

  async readCells(tenantId: string, brandId: string, from: string, to: string, granularity: RollupGranularity = 'day') {
    return [...(granularity === 'day' ? this.cells : this.weekCells).entries()]
      .filter(([k, c]) => k.startsWith(`${tenantId}|${brandId}|`) && c.period >= from && c.period <= to)
      .map(([, c]) => c);
  }

  async readDays(tenantId: string, brandId: string, from: string, to: string) {
    return [...this.days.entries()]
      .filter(([k, d]) => k.startsWith(`${tenantId}|${brandId}|`) && d.day >= from && d.day <= to)
      .map(([, d]) => d);
  }

  async readWeeks(tenantId: string, brandId: string, from: string, to: string) {
    return [...this.weeks.entries()]
      .filter(([k, w]) => k.startsWith(`${tenantId}|${brandId}|`) && w.period >= from && w.period <= to)
      .map(([, w]) => w);
  }

  snapshot() {
    const sorted = (m: Map<string, unknown>) =>
      Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return {
      cells: sorted(this.cells),
      days: sorted(this.days),
      weekCells: sorted(this.weekCells),
      weeks: sorted(this.weeks),
    };
  }

  static matches = matchesFilter;
}
