import { idSchema } from '#shared/contracts/common.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { Principal, TenantPrincipal } from '#shared/domain/principal.ts';
import { etag } from '../../middleware/preconditions.ts';
import type { RouteContext, RouteResult } from './routes.ts';

/**
 * The helpers every route module uses, in one place and light enough for each route-group function's bundle
 * (importing routes.ts would pull the core routes into the Action Hub, connectors and analytics functions).
 */

/** The caller's tenant on a `tenant` route (the router guarantees it; a missing one is a wiring bug). */
export function tenantOf(ctx: RouteContext): TenantPrincipal {
  if (!ctx.tenant) throw new Error('tenant route invoked without a tenant principal');
  return ctx.tenant;
}

/** The caller on an `authenticated` route. */
export function principalOf(ctx: RouteContext): Principal {
  if (!ctx.principal) throw new Error('authenticated route invoked without a principal');
  return ctx.principal;
}

const brandIdSchema = idSchema('brd');

/** The `:brandId` path parameter; a malformed one is simply not found, as elsewhere in the API. */
export function brandIdOf(ctx: RouteContext): string {
  const parsed = brandIdSchema.safeParse(ctx.params.brandId);
  if (!parsed.success) throw new NotFoundError('Brand not found', { code: 'brand_not_found' });
  return parsed.data;
}

/** 200 with the body, and the ETag of `version` when the resource has one. */
export const ok = (body: unknown, version?: number): RouteResult => ({
  status: 200,
  body,
  ...(version !== undefined ? { headers: { etag: etag(version) } } : {}),
});
export const created = (body: unknown, version?: number): RouteResult => ({ ...ok(body, version), status: 201 });
export const noContent: RouteResult = { status: 204, body: null };
