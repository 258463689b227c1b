import {
  ModelCatalogueViewSchema,
  ModelMigrationInputSchema,
  ModelMigrationResultSchema,
  ModelNoticesSchema,
} from '#shared/contracts/model-catalogue.ts';
import type { Role } from '#shared/domain/roles.ts';
import { ROLES } from '#shared/domain/roles.ts';
import {
  getCatalogueView,
  listModelNotices,
  type MigrationDeps,
  migrateModel,
} from '#shared/use-cases/model-catalogue.ts';
import { parseJsonBody } from '../../../middleware/request.ts';
import { ok, tenantOf } from '../route-toolkit.ts';
import type { RouteDefinition } from '../routes.ts';

const MANAGERS: readonly Role[] = ['owner', 'admin'];

/** The model catalogue routes: what is offered today, retirement notices, and the move to a successor. */
export function modelCatalogueRoutes(deps: MigrationDeps & { maxBodyBytes: number }): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/model-catalogue',
      summary:
        'Models offered today per provider (lifecycle, dated price and source, surfaces; retired and hidden ones left out) and the last refresh of each provider’s list',
      access: { kind: 'tenant', roles: ROLES },
      docs: { response: ModelCatalogueViewSchema },
      handle: async () => ok(await getCatalogueView(deps)),
    },
    {
      method: 'GET',
      path: '/model-notices',
      summary: 'Models this workspace uses that retire within 30 days or have retired, with their successors',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { response: ModelNoticesSchema },
      handle: async (ctx) => ok({ notices: await listModelNotices(deps, tenantOf(ctx)) }),
    },
    {
      method: 'POST',
      path: '/model-migrations',
      summary:
        'Move every brand (run settings and schedules) from a model to its successor; audited, and a new prompt-set version marks the change',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { body: ModelMigrationInputSchema, response: ModelMigrationResultSchema },
      handle: async (ctx) => {
        const input = parseJsonBody(ctx.event, ModelMigrationInputSchema, deps.maxBodyBytes);
        return ok(await migrateModel(deps, tenantOf(ctx), input));
      },
    },
  ];
}
