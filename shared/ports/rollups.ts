import type { RollupCounters, RollupDelta, RollupDims, RollupEntry, RollupGranularity } from '../events/rollups.ts';

/** A stored fine rollup cell. */
export interface RollupCell {
  /** `YYYY-MM-DD` (day cells) or `YYYY-Www` (ISO week cells). */
  period: string;
  dims: RollupDims;
  counters: RollupCounters;
}

/** A brand's total for one day or ISO week. */
export interface RollupTotal {
  /** `YYYY-MM-DD` (day) or `YYYY-Www` (ISO week). */
  period: string;
  counters: RollupCounters;
}

/** What a batch did. Entries are committed in order: a failure leaves a committed prefix and nothing after it. */
export interface RollupBatchOutcome {
  applied: number;
  /** Entries whose event id had already been counted (redelivery, replay, a re-published event). */
  duplicates: number;
  /** The first entry that was not committed, and why; everything before it is committed, nothing from it on. */
  failed?: { index: number; error: Error };
}

/** Daily and ISO-weekly metric rollups (DynamoDB in AWS and locally). */
export interface RollupStore {
  /**
   * Adds a batch of entries exactly once per event id, in order: an id already counted (earlier, or earlier in the
   * same batch) is a duplicate and changes nothing. Implementations merge the batch and write fewer, larger updates;
   * markers and counters still commit together, so a crash never leaves an event half counted.
   */
  applyBatch(entries: readonly RollupEntry[]): Promise<RollupBatchOutcome>;
  /** One hand-built delta, exactly once per event id (the same guarantee as a batch of one). */
  apply(eventId: string, delta: RollupDelta): Promise<'applied' | 'duplicate'>;
  /**
   * Fine cells of a brand for periods `from`..`to` inclusive: days (`YYYY-MM-DD`, the default) or ISO weeks
   * (`YYYY-Www`; a week cell's `dims.day` is the week's Monday).
   */
  readCells(
    tenantId: string,
    brandId: string,
    from: string,
    to: string,
    granularity?: RollupGranularity,
  ): Promise<RollupCell[]>;
  /** The brand's day totals for `from`..`to` inclusive. */
  readDays(
    tenantId: string,
    brandId: string,
    from: string,
    to: string,
  ): Promise<{ day: string; counters: RollupCounters }[]>;
  /** The brand's ISO-week totals for weeks `from`..`to` inclusive (`YYYY-Www`). */
  readWeeks(tenantId: string, brandId: string, from: string, to: string): Promise<RollupTotal[]>;
}
