import type { TenantId } from '#shared/domain/workspace.ts';
import { type EngineRunDeps, evaluateDueOutcomes, runActionEngine } from '#shared/use-cases/actions.ts';

/**
 * The daily job (EventBridge Scheduler in AWS, a timer locally): for every brand of the given tenants, run the
 * engine (new evidence, refreshed windows) — which also decides outcomes whose after-window has elapsed.
 */
export async function runDailyActions(
  deps: EngineRunDeps,
  tenants: readonly TenantId[],
  log?: (line: string) => void,
): Promise<{ brands: number; created: number; updated: number; failed: number }> {
  const totals = { brands: 0, created: 0, updated: 0, failed: 0 };
  for (const tenantId of tenants) {
    let cursor: string | undefined;
    do {
      const page = await deps.brands.listBrands(tenantId, { limit: 100, cursor });
      for (const brand of page.items) {
        totals.brands++;
        try {
          const result = await runActionEngine(deps, tenantId, brand.id);
          totals.created += result.created;
          totals.updated += result.updated;
        } catch (error) {
          totals.failed++;
          log?.(`daily actions: ${tenantId}/${brand.id} failed: ${(error as Error).message}`);
        }
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const events = await evaluateDueOutcomes(deps, tenantId);
    if (events.length > 0) await deps.bus.publish(events);
  }
  return totals;
}
