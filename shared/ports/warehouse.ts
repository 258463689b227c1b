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
}

/**
 * The analytical store: Snowflake in AWS, DuckDB over the lake files locally. Both run the same named queries
 * (see `ANALYTICS_ROW_SCHEMAS`) over deduplicated `promptpulse.answer.analyzed` events and return typed rows.
 */
export interface Warehouse {
  query<N extends AnalyticsQueryName>(name: N, scope: WarehouseScope): Promise<AnalyticsRow<N>[]>;
  close?(): Promise<void>;
}

/** The warehouse could not answer (unreachable, misconfigured); mapped to a 5xx, never echoed. */
export class WarehouseError extends Error {
  override readonly name = 'WarehouseError';
}
