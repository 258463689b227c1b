import { idSchema } from '#shared/contracts/common.ts';
import { DrilldownQuerySchema, DrilldownResponseSchema } from '#shared/contracts/drilldown.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { ROLES } from '#shared/domain/roles.ts';
import { type DrilldownDeps, promptDrilldown } from '#shared/use-cases/drilldown.ts';
import { parseQuery } from '../../../middleware/request.ts';
import type { RouteContext, RouteDefinition } from '../routes.ts';

const brandIdSchema = idSchema('brd');

/**
 * The prompt drill-down: the actual answers behind a row of the Analytics area, with the mentions to highlight.
 * Spread into the route table by `routes.ts`. The path sits under `/analytics/` on purpose: in AWS the HTTP API sends
 * `GET /brands/{brandId}/analytics/{name}` to the analytics function, the one bundled with the warehouse drivers
 * (cdk/constructs/api-service.ts), which this route needs to find the prompt's answers.
 */
export function drilldownRoutes(deps: DrilldownDeps): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/brands/:brandId/analytics/drilldown',
      summary:
        "One prompt's answers in a period, newest first: text, provider, time, brand and competitor mentions with offsets for highlighting, sentiment toward each, citations",
      access: { kind: 'tenant', roles: ROLES },
      docs: { query: DrilldownQuerySchema, response: DrilldownResponseSchema },
      handle: async (ctx: RouteContext) => {
        if (!ctx.tenant) throw new Error('tenant route invoked without a tenant principal');
        const brandId = brandIdSchema.safeParse(ctx.params.brandId);
        if (!brandId.success) throw new NotFoundError('Brand not found', { code: 'brand_not_found' });
        const query = parseQuery(ctx.event, DrilldownQuerySchema);
        return { status: 200, body: await promptDrilldown(deps, ctx.tenant, brandId.data, query) };
      },
    },
  ];
}
