import {
  ANALYTICS_ROW_SCHEMAS,
  type AnalyticsQueryName,
  AnalyticsQuerySchema,
  analyticsResponseSchema,
} from '#shared/contracts/analytics.ts';
import { filterOfQuery } from '#shared/domain/query-filter.ts';
import { ROLES } from '#shared/domain/roles.ts';
import type { Warehouse } from '#shared/ports/warehouse.ts';
import * as brands from '#shared/use-cases/brands.ts';
import { rowsToCsv } from '../../../adapters/warehouse/csv.ts';
import { decodeWarehouseCursor, encodeWarehouseCursor } from '../../../adapters/warehouse/cursor.ts';
import { pageKeyOf } from '../../../adapters/warehouse/page-keys.ts';
import { brandIdOf, ok, tenantOf } from '../route-toolkit.ts';
import type { RouteDefinition } from '../routes.ts';
import { parseFilterQuery } from './analytics-query.ts';

const ALL = ROLES;

const ANALYTICS_SUMMARIES: Record<AnalyticsQueryName, string> = {
  trends: 'Per day, provider and surface: answers, answers mentioning the brand, mean rank and sentiment (warehouse)',
  competitors: 'Competitor matrix: answers mentioning each tracked entity, per provider (warehouse)',
  topics: 'Per topic: answers, answers mentioning the brand, mean sentiment (warehouse)',
  sources: 'Top cited domains, owned, competitor or third-party (warehouse)',
  prompts: 'Per prompt and day: answers and brand mention rate (warehouse)',
  matrix: 'Heat map: per prompt and tracked entity, answers and answers mentioning the entity (warehouse)',
  answers: 'Analysed answers in scope, newest day first, at most 5,000: ids for GET /answers/{id} (warehouse)',
};

export interface AnalyticsRouteDeps extends brands.BrandDeps {
  /** The analytical store over the lake (Snowflake in AWS, DuckDB locally). */
  warehouse: Warehouse;
}

/**
 * The warehouse queries of the Analytics area (`format=csv` exports any of them). In AWS the HTTP API sends
 * `GET /brands/{brandId}/analytics/{name}` to the analytics function, the one bundled with the warehouse drivers.
 */
export function analyticsRoutes(deps: AnalyticsRouteDeps): RouteDefinition[] {
  return [
    ...(Object.keys(ANALYTICS_ROW_SCHEMAS) as AnalyticsQueryName[]).map(
      (name): RouteDefinition => ({
        method: 'GET',
        path: `/brands/:brandId/analytics/${name}`,
        summary: `${ANALYTICS_SUMMARIES[name]}; \`format=csv\` exports the same rows`,
        access: { kind: 'tenant', roles: ALL },
        docs: { query: AnalyticsQuerySchema, response: analyticsResponseSchema(ANALYTICS_ROW_SCHEMAS[name]) },
        handle: async (ctx) => {
          const tenant = tenantOf(ctx);
          const brand = await brands.getBrandOrThrow(deps, tenant, brandIdOf(ctx));
          const { format, limit, cursor, ...query } = parseFilterQuery(ctx.event, AnalyticsQuerySchema);
          const filter = filterOfQuery(query);
          const cursorQuery = { name, brandId: brand.id, from: query.from, to: query.to, filter };
          const after = decodeWarehouseCursor(cursorQuery, cursor);
          // One row more than the page: tells whether a next page exists without counting.
          const fetched = await deps.warehouse.query(name, {
            tenantId: tenant.tenantId,
            brandId: brand.id,
            from: query.from,
            to: query.to,
            ...filter,
            page: { limit: limit + 1, ...(after ? { after } : {}) },
          });
          const rows = fetched.slice(0, limit);
          const last = rows.at(-1);
          const nextCursor =
            fetched.length > limit && last ? encodeWarehouseCursor(cursorQuery, pageKeyOf(name, last)) : null;
          if (format === 'csv') {
            const columns = Object.keys(ANALYTICS_ROW_SCHEMAS[name].shape);
            return {
              status: 200,
              body: rowsToCsv(columns, rows),
              rawContentType: 'text/csv; charset=utf-8',
              headers: {
                'content-disposition': `attachment; filename="${name}-${query.from}-${query.to}.csv"`,
                ...(nextCursor ? { 'x-next-cursor': nextCursor } : {}),
              },
            };
          }
          return ok({ brandId: brand.id, from: query.from, to: query.to, filter, rows, nextCursor });
        },
      }),
    ),
  ];
}
