import type { RollupCounters, RollupDelta, RollupDims } from '../events/rollups.ts';

/** A stored fine rollup cell. */
export interface RollupCell {
  dims: RollupDims;
  counters: RollupCounters;
}

/** Daily metric rollups (DynamoDB in AWS and locally). */
export interface RollupStore {
  /**
   * Adds an event's delta exactly once per event id: the id's marker and the counter updates commit in ONE
   * transaction, so a redelivered, replayed or retried event is reported `duplicate` and changes nothing.
   */
  apply(eventId: string, delta: RollupDelta): Promise<'applied' | 'duplicate'>;
  /** Fine cells of a brand for days `from`..`to` inclusive (`YYYY-MM-DD`). */
  readCells(tenantId: string, brandId: string, from: string, to: string): Promise<RollupCell[]>;
  /** The brand's day totals for `from`..`to` inclusive. */
  readDays(
    tenantId: string,
    brandId: string,
    from: string,
    to: string,
  ): Promise<{ day: string; counters: RollupCounters }[]>;
}
