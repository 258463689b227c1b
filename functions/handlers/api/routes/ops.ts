import { OpsStatusSchema } from '#shared/contracts/ops.ts';
import type { Role } from '#shared/domain/roles.ts';
import type { RunRepository } from '#shared/ports/runs.ts';
import type { Clock } from '#shared/ports/system.ts';
import { HttpError } from '../../../middleware/http-errors.ts';
import { metricTotals } from '../../../observability/metrics.ts';
import type { OpsStatusSource } from '../../../observability/ops-status.ts';
import { recentErrors } from '../../../observability/recent-errors.ts';
import type { RouteContext, RouteDefinition } from '../routes.ts';

export interface OpsRouteDeps {
  runs: RunRepository;
  clock: Clock;
  /** Component health and dead letters; set on the local stack only (`OPS_STATUS=local`). */
  ops?: OpsStatusSource | undefined;
}

const MANAGERS: readonly Role[] = ['owner', 'admin'];
/** Recent runs looked at for failed work items. */
const RECENT_RUNS = 25;

/**
 * The operations view (Admin > Operations): component health, dead-lettered items, the caller's recent runs with
 * failed work items, recent error log entries and business metric totals. Only where the API runs in one process
 * with the rest of the system (the local stack); in AWS it answers 503 and the CloudWatch dashboard is the view
 * (docs/observability.md), since one Lambda container cannot see the others' errors.
 */
export function opsRoutes(deps: OpsRouteDeps): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/ops/status',
      summary:
        'Operations status (local stack): component health, dead letters, this workspace’s runs with failed items, recent errors, metric totals',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { response: OpsStatusSchema },
      handle: async (ctx: RouteContext) => {
        if (!deps.ops) {
          throw new HttpError(
            503,
            'ops_unavailable',
            'Operations status is served by the local stack; in AWS use the CloudWatch dashboard (stack output DashboardName)',
          );
        }
        const tenantId = ctx.tenant?.tenantId;
        if (!tenantId) throw new Error('tenant route invoked without a tenant principal');
        const [components, letters, runs] = await Promise.all([
          deps.ops.components(),
          deps.ops.deadLetters(),
          deps.runs.listRuns(tenantId, null, { limit: RECENT_RUNS }),
        ]);
        const failedRuns = runs.items
          .filter((run) => run.counts.failed > 0 || run.status === 'failed')
          .map((run) => ({
            runId: run.id,
            brandName: run.brandName,
            status: run.status,
            createdAt: run.createdAt,
            failed: run.counts.failed,
            errors: (run.errors ?? []).slice(0, 20),
          }));
        return {
          status: 200,
          body: {
            generatedAt: deps.clock.now().toISOString(),
            components,
            deadLetters: letters,
            failedRuns,
            recentErrors: recentErrors(),
            metrics: metricTotals(),
          },
        };
      },
    },
  ];
}
