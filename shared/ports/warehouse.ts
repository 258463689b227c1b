import type { AnalyticsQueryName, AnalyticsRow } from '../contracts/analytics.ts';

/**
 * The scope every warehouse query is bound to. The tenant and brand are always bound parameters (never spliced
 * into SQL), and come from the verified token and a brand already checked to belong to that tenant.
 */
export interface WarehouseScope {
  tenantId: string;
  brandId: string;
  /** Inclusive UTC dates `YYYY-MM-DD` of the answer time. */
  from: string;
  to: string;
  provider?: string;
  surface?: string;
  /** One tracked prompt (the prompt drill-down); absent = every prompt. */
  promptId?: string;
  /** One topic id (answers to prompts without a topic are left out); absent = all. */
  topic?: string;
  promptSetVersion?: number;
  /** Branded (true) or non-branded (false) prompts only; absent = both. */
  branded?: boolean;
  /** Prompt locale such as `en-US`; absent = all. */
  locale?: string;
  /**
   * One page of the rows in the query's total order: `limit` rows strictly after the position `after` (the order
   * keys of the previous page's last row; absent = from the start). Absent = every row (up to the query's own cap).
   */
  page?: { limit: number; after?: readonly (string | number)[] };
}

/**
 * The analytical store: Snowflake in AWS, DuckDB over the lake files locally. Both run the same named queries
 * (see `ANALYTICS_ROW_SCHEMAS`) over deduplicated `promptpulse.answer.analyzed` events and return typed rows.
 */
export interface Warehouse {
  query<N extends AnalyticsQueryName>(name: N, scope: WarehouseScope): Promise<AnalyticsRow<N>[]>;
  /**
   * Rebuilds the derived tables (daily per-prompt/provider summaries) from the deduplicated answers up to and
   * including `throughDay`, and moves the watermark the queries use them up to. Run by the scheduled job.
   */
  materialize?(throughDay: string): Promise<MaterializationReport>;
  /**
   * Creates or updates the warehouse's own schema (tables, views, derived tables); idempotent. Snowflake only: run
   * at deploy, and by the materialization job once per container. DuckDB builds its tables in memory.
   */
  migrate?(): Promise<void>;
  close?(): Promise<void>;
  /** Deletes every row of the tenant (workspace purge); returns how many were removed. */
  purgeTenant?(tenantId: string): Promise<number>;
}

export interface MaterializationReport {
  throughDay: string;
  /** Rows in the rebuilt summary. */
  summaryRows: number;
  /** Tenants whose lake data was (re)loaded first (DuckDB only; Snowflake loads continuously). */
  tenants: number;
  ms: number;
}

/** The warehouse could not answer (unreachable, misconfigured); mapped to a 5xx, never echoed. */
export class WarehouseError extends Error {
  override readonly name = 'WarehouseError';
}
