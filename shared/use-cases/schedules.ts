import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { isTenantId } from '../domain/workspace.ts';
import type { WorkflowStarter } from '../ports/runs.ts';
import { type RunDeps, startRun } from './runs.ts';
import { nextRunAt } from './settings.ts';

/** Scheduled brands whose next run is due (an operations index across tenants). */
export interface ScheduleIndex {
  due(now: string, limit?: number): Promise<{ tenantId: string; brandId: string; nextRunAt: string }[]>;
  /** Moves the schedule on; false when another tick already claimed this slot. */
  advance(tenantId: string, brandId: string, from: string, to: string | null): Promise<boolean>;
}

export interface TickResult {
  started: string[];
  skipped: { brandId: string; reason: string }[];
}

/**
 * One scheduler tick (EventBridge every minute in AWS, the local stack's timer locally): for each due brand,
 * first claim the slot by advancing its next run (so two ticks never start the same slot twice), then start
 * a run with trigger `schedule`. A run still in progress or a spend cap is a skip, recorded, not an error.
 */
export async function runDueSchedules(
  deps: RunDeps & { workflow: WorkflowStarter; schedules: ScheduleIndex },
  log: (message: string, details: Record<string, unknown>) => void = () => {},
): Promise<TickResult> {
  const now = deps.clock.now();
  const result: TickResult = { started: [], skipped: [] };
  for (const due of await deps.schedules.due(now.toISOString())) {
    if (!isTenantId(due.tenantId)) continue;
    const settings = await deps.brands.getRunSettings(due.tenantId, due.brandId);
    const next = settings ? nextRunAt(settings.schedule, now) : null;
    if (!(await deps.schedules.advance(due.tenantId, due.brandId, due.nextRunAt, next))) continue;
    try {
      const run = await startRun(
        deps,
        { tenantId: due.tenantId, userId: 'scheduler', email: 'scheduler' },
        due.brandId,
        'schedule',
      );
      result.started.push(run.id);
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NotFoundError) {
        result.skipped.push({ brandId: due.brandId, reason: error.code });
        log('Scheduled run skipped', { tenantId: due.tenantId, brandId: due.brandId, reason: error.code });
      } else throw error;
    }
  }
  return result;
}
