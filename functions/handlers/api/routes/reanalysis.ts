import * as z from 'zod';
import { idSchema, pageQuerySchema } from '#shared/contracts/common.ts';
import { ReanalysisJobListSchema, ReanalysisJobSchema } from '#shared/contracts/reanalysis.ts';
import { getBrandOrThrow } from '#shared/use-cases/brands.ts';
import type { ReanalysisDeps } from '#shared/use-cases/reanalysis.ts';
import { listReanalysisJobs, requestReanalysis } from '#shared/use-cases/reanalysis.ts';
import { HttpError } from '../../../middleware/http-errors.ts';
import { parseQuery } from '../../../middleware/request.ts';
import { brandIdOf, ok, tenantOf } from '../route-toolkit.ts';
import type { ApiDeps, RouteDefinition } from '../routes.ts';

/** What the re-analysis routes need (functions/handlers/api/reanalysis-services.ts); they answer 503 without it. */
export type ReanalysisRouteDeps = Pick<ReanalysisDeps, 'jobs' | 'ledger' | 'brands' | 'ids' | 'clock' | 'starter'>;

const JobsQuerySchema = pageQuerySchema.extend({ brandId: idSchema('brd').optional() });
const BrandJobResponseSchema = z.object({ job: ReanalysisJobSchema.nullable() });

/**
 * Re-analysis jobs (docs/analysis.md, "Re-analysis"): the Admin list with progress, skipped items by reason,
 * function time and outcome; a brand's newest job (the web app's re-scoring banner); and a manual start.
 */
export function reanalysisRoutes(deps: Pick<ApiDeps, 'brands' | 'reanalysis'>): RouteDefinition[] {
  const services = () => {
    if (!deps.reanalysis) throw new HttpError(503, 'reanalysis_unavailable', 'Re-analysis is not configured here');
    return deps.reanalysis;
  };
  return [
    {
      method: 'GET',
      path: '/reanalysis/jobs',
      summary: 'Re-analysis jobs of the workspace, newest first (progress, skipped by reason, function time, outcome)',
      access: { kind: 'tenant', roles: ['owner', 'admin'] },
      docs: { query: JobsQuerySchema, response: ReanalysisJobListSchema },
      handle: async (ctx) => {
        const query = parseQuery(ctx.event, JobsQuerySchema);
        const page = await listReanalysisJobs(services(), tenantOf(ctx).tenantId, query.brandId ?? null, {
          limit: query.limit,
          cursor: query.cursor,
        });
        return ok(page);
      },
    },
    {
      method: 'GET',
      path: '/brands/:brandId/reanalysis',
      summary: 'The brand’s newest re-analysis job (null when its history was never re-scored)',
      access: { kind: 'tenant', roles: ['owner', 'admin', 'analyst', 'viewer'] },
      docs: { response: BrandJobResponseSchema },
      handle: async (ctx) => {
        const tenant = tenantOf(ctx);
        const brand = await getBrandOrThrow(deps, tenant, brandIdOf(ctx));
        const s = services();
        const latest = await s.jobs.latest(tenant.tenantId, brand.id);
        return ok({ job: latest ? await s.jobs.get(tenant.tenantId, latest) : null });
      },
    },
    {
      method: 'POST',
      path: '/brands/:brandId/reanalysis',
      summary: 'Re-score the brand’s stored answers with the current engine and configuration (no model calls)',
      access: { kind: 'tenant', roles: ['owner', 'admin'] },
      docs: { response: ReanalysisJobSchema },
      handle: async (ctx) => {
        const tenant = tenantOf(ctx);
        const brand = await getBrandOrThrow(deps, tenant, brandIdOf(ctx));
        const job = await requestReanalysis(services(), {
          tenantId: tenant.tenantId,
          brandId: brand.id,
          trigger: 'manual',
        });
        return { status: 202, body: job };
      },
    },
  ];
}
