import * as z from 'zod';
import {
  ActionCommentInputSchema,
  ActionDetailSchema,
  ActionListQuerySchema,
  ActionPatchSchema,
  ActionSchema,
  ActionSeriesSchema,
  actionIdSchema,
  GenerateActionsResultSchema,
} from '#shared/contracts/actions.ts';
import { pageOf } from '#shared/contracts/common.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { Role } from '#shared/domain/roles.ts';
import { ROLES } from '#shared/domain/roles.ts';
import * as actions from '#shared/use-cases/actions.ts';
import { getBrandOrThrow } from '#shared/use-cases/brands.ts';
import { HttpError } from '../../../middleware/http-errors.ts';
import { expectedVersion } from '../../../middleware/preconditions.ts';
import { parseJsonBody, parseQuery } from '../../../middleware/request.ts';
import type { ActionHubServices } from '../../actions/deps.ts';
import { brandIdOf, ok, tenantOf } from '../route-toolkit.ts';
import type { ApiDeps, RouteContext, RouteDefinition } from '../routes.ts';

/**
 * Roles in the Action Hub (docs/actions.md): everyone reads; analysts, admins and owners work actions (status,
 * owner, due date, comments, run the engine) — the people who act on them; integrations are admin/owner only.
 */
export const ACTION_READERS: readonly Role[] = ROLES;
export const ACTION_WORKERS: readonly Role[] = ['owner', 'admin', 'analyst'];

/** The Action Hub's services, or a 503 when this deployment was built without them. */
export function hubOf(deps: Pick<ApiDeps, 'actionHub'>): ActionHubServices {
  if (!deps.actionHub) throw new HttpError(503, 'action_hub_unavailable', 'The Action Hub is not configured here');
  return deps.actionHub;
}

function actionIdOf(ctx: RouteContext): string {
  const parsed = actionIdSchema.safeParse(ctx.params.actionId);
  if (!parsed.success) throw new NotFoundError('Action not found', { code: 'action_not_found' });
  return parsed.data;
}

const seriesQuery = z.strictObject({ days: z.coerce.number().int().min(7).max(365).default(60) });

/** What the Action Hub routes use: the API's stores without the warehouse, the workflow starter or the directory. */
export type ActionRouteDeps = Omit<ApiDeps, 'warehouse' | 'workflow' | 'directory'>;

/** `/actions*` routes; spread into the route table. */
export function actionRoutes(deps: ActionRouteDeps): RouteDefinition[] {
  const hubDeps = () => ({ ...deps, ...hubOf(deps) });
  return [
    {
      method: 'GET',
      path: '/actions',
      summary: 'Actions, ranked (filters: brand, type, status, owner; sort: priority, newest, due)',
      access: { kind: 'tenant', roles: ACTION_READERS },
      docs: { query: ActionListQuerySchema, response: pageOf(ActionSchema) },
      handle: async (ctx) =>
        ok(await actions.listActions(hubDeps(), tenantOf(ctx), parseQuery(ctx.event, ActionListQuerySchema))),
    },
    {
      method: 'GET',
      path: '/actions/:actionId',
      summary: 'One action with its evidence, outcome and sync status per integration',
      access: { kind: 'tenant', roles: ACTION_READERS },
      docs: { response: ActionDetailSchema },
      handle: async (ctx) => {
        const detail = await actions.getActionDetail(hubDeps(), tenantOf(ctx), actionIdOf(ctx));
        return ok(detail, detail.version);
      },
    },
    {
      method: 'PATCH',
      path: '/actions/:actionId',
      summary: 'Change status (open → in_progress → done | dismissed with a reason), owner or due date',
      access: { kind: 'tenant', roles: ACTION_WORKERS },
      docs: { body: ActionPatchSchema, response: ActionSchema, ifMatch: true },
      handle: async (ctx) => {
        const version = expectedVersion(ctx.event);
        const patch = parseJsonBody(ctx.event, ActionPatchSchema, deps.maxBodyBytes);
        const action = await actions.patchAction(hubDeps(), tenantOf(ctx), actionIdOf(ctx), version, patch);
        return ok(action, action.version);
      },
    },
    {
      method: 'POST',
      path: '/actions/:actionId/comments',
      summary: 'Comment on an action',
      access: { kind: 'tenant', roles: ACTION_WORKERS },
      docs: { body: ActionCommentInputSchema, response: ActionSchema },
      handle: async (ctx) => {
        const { text } = parseJsonBody(ctx.event, ActionCommentInputSchema, deps.maxBodyBytes);
        const action = await actions.commentOnAction(hubDeps(), tenantOf(ctx), actionIdOf(ctx), text);
        return { ...ok(action, action.version), status: 201 };
      },
    },
    {
      method: 'GET',
      path: '/actions/:actionId/series',
      summary: "Daily values of the action's target metric, with n and 95% intervals (from the rollups)",
      access: { kind: 'tenant', roles: ACTION_READERS },
      docs: { query: seriesQuery, response: ActionSeriesSchema },
      handle: async (ctx) => {
        const { days } = parseQuery(ctx.event, seriesQuery);
        return ok(await actions.actionSeries(hubDeps(), tenantOf(ctx), actionIdOf(ctx), days));
      },
    },
    {
      method: 'POST',
      path: '/brands/:brandId/actions/generate',
      summary: 'Run the recommendation engine for a brand now (it also runs after every run and daily)',
      access: { kind: 'tenant', roles: ACTION_WORKERS },
      docs: { response: GenerateActionsResultSchema },
      handle: async (ctx) => {
        const tenant = tenantOf(ctx);
        const brand = await getBrandOrThrow(deps, tenant, brandIdOf(ctx));
        return ok(await actions.runActionEngine(hubDeps(), tenant.tenantId, brand.id));
      },
    },
  ];
}
