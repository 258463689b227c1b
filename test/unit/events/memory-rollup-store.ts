import { matchesFilter, type RollupCounters, type RollupDelta, sumCounters } from '../../../shared/events/rollups.ts';
import type { RollupCell, RollupStore } from '../../../shared/ports/rollups.ts';

/** An in-memory RollupStore with the DynamoDB adapter's semantics: marker + counters commit together or not at all. */
export class MemoryRollupStore implements RollupStore {
  readonly markers = new Set<string>();
  readonly cells = new Map<string, RollupCell>();
  readonly days = new Map<string, { day: string; counters: RollupCounters }>();
  /** Number of further successful applies before every apply throws (a crash / outage); null = never. */
  failAfter: number | null = null;

  async apply(eventId: string, delta: RollupDelta): Promise<'applied' | 'duplicate'> {
    if (this.failAfter !== null) {
      if (this.failAfter <= 0) throw Object.assign(new Error('simulated outage'), { name: 'ServiceUnavailable' });
      this.failAfter--;
    }
    const marker = `${delta.tenantId}#${eventId}`;
    if (this.markers.has(marker)) return 'duplicate';
    this.markers.add(marker);
    if (delta.cell) {
      const key = `${delta.tenantId}|${delta.brandId}|${JSON.stringify(delta.cell)}`;
      const cell = this.cells.get(key) ?? { dims: delta.cell, counters: {} };
      cell.counters = sumCounters([cell.counters, delta.counters]);
      this.cells.set(key, cell);
    }
    const dayKey = `${delta.tenantId}|${delta.brandId}|${delta.day}`;
    const day = this.days.get(dayKey) ?? { day: delta.day, counters: {} };
    day.counters = sumCounters([day.counters, delta.counters]);
    this.days.set(dayKey, day);
    return 'applied';
  }

  async readCells(tenantId: string, brandId: string, from: string, to: string) {
    return [...this.cells.entries()]
      .filter(([k, c]) => k.startsWith(`${tenantId}|${brandId}|`) && c.dims.day >= from && c.dims.day <= to)
      .map(([, c]) => c);
  }

  async readDays(tenantId: string, brandId: string, from: string, to: string) {
    return [...this.days.entries()]
      .filter(([k, d]) => k.startsWith(`${tenantId}|${brandId}|`) && d.day >= from && d.day <= to)
      .map(([, d]) => d);
  }

  snapshot() {
    const sorted = (m: Map<string, unknown>) =>
      Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return { cells: sorted(this.cells), days: sorted(this.days) };
  }

  static matches = matchesFilter;
}
