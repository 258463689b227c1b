import type { MaterializationReport, Warehouse } from '#shared/ports/warehouse.ts';

export interface MaterializeDeps {
  warehouse: Warehouse;
  now: () => Date;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/**
 * Days the summary leaves to the raw tables. Why 2: runs that cross midnight and retried steps still publish answers
 * for yesterday; the days before are settled, and any late straggler is picked up by the next refresh anyway.
 */
export const SETTLED_AFTER_DAYS = 2;

/**
 * The scheduled materialization (EventBridge rule in AWS, the local scheduler locally): rebuilds the warehouse's
 * derived tables up to the last settled day. Idempotent (a full rebuild), so overlapping or repeated runs are harmless.
 */
export function createMaterializeHandler(deps: MaterializeDeps) {
  return async (): Promise<MaterializationReport> => {
    const throughDay = new Date(deps.now().getTime() - SETTLED_AFTER_DAYS * 86_400_000).toISOString().slice(0, 10);
    if (!deps.warehouse.materialize) throw new Error('the configured warehouse has no derived tables');
    const report = await deps.warehouse.materialize(throughDay);
    deps.log?.('Warehouse derived tables refreshed', { ...report });
    return report;
  };
}
