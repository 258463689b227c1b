import type * as z from 'zod';
import {
  SignalAlertIdSchema,
  SignalAlertSchema,
  SignalAlertsPageSchema,
  SignalAlertsQuerySchema,
  SignalFeedPageSchema,
  SignalFeedQuerySchema,
  SignalSeriesQuerySchema,
  SignalSeriesResponseSchema,
  TopPostsQuerySchema,
  TopPostsResponseSchema,
} from '#shared/contracts/signals.ts';
import { NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import type { Role } from '#shared/domain/roles.ts';
import type { SignalAlertStore, SignalStore } from '#shared/ports/signals.ts';
import * as brands from '#shared/use-cases/brands.ts';
import * as signals from '#shared/use-cases/signals.ts';
import { brandIdOf, ok, tenantOf } from '../route-toolkit.ts';
import type { RouteContext, RouteDefinition } from '../routes.ts';

export interface SignalRouteDeps extends brands.BrandDeps {
  signals: SignalStore;
  signalAlerts: SignalAlertStore;
}

const ALL: readonly Role[] = ['owner', 'admin', 'analyst', 'viewer'];
/** Acknowledging changes shared state: everyone but viewers. */
const RESPONDERS: readonly Role[] = ['owner', 'admin', 'analyst'];

/**
 * Parses the query; a bad one is a 400 whose message names the offending parameters (and `details` says why),
 * e.g. `Invalid query parameter: sentiment`.
 */
function query<T extends z.ZodType>(ctx: RouteContext, schema: T): z.infer<T> {
  const result = schema.safeParse(ctx.event.queryStringParameters ?? {});
  if (result.success) return result.data;
  const names = new Set<string>();
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) names.add(key);
    else names.add(issue.path.join('.') || '(query)');
  }
  const list = [...names];
  throw new ValidationError(`Invalid query parameter${list.length > 1 ? 's' : ''}: ${list.join(', ')}`, {
    code: 'invalid_query',
    details: result.error.issues.map((issue) => ({
      path: issue.code === 'unrecognized_keys' ? issue.keys.join(',') : issue.path.join('.'),
      message: issue.message,
    })),
  });
}

/** The Signals API (docs/signals.md): feed, daily series, swing alerts. Spread into the route table. */
export function signalRoutes(deps: SignalRouteDeps): RouteDefinition[] {
  const stores = () => ({ signals: deps.signals, alerts: deps.signalAlerts, clock: deps.clock });
  return [
    {
      method: 'GET',
      path: '/signals',
      summary:
        'Signals feed, newest first: filter by brandId, source, sentiment (toward the brand), language and from/to days; cursor pagination (limit ≤ 100)',
      access: { kind: 'tenant', roles: ALL },
      docs: { query: SignalFeedQuerySchema, response: SignalFeedPageSchema },
      handle: async (ctx) =>
        ok(await signals.listSignalFeed(stores(), tenantOf(ctx), query(ctx, SignalFeedQuerySchema))),
    },
    {
      method: 'GET',
      path: '/brands/:brandId/signals/series',
      summary:
        'Per day and source (and `all`): signal volume, sentiment distribution, mean sentiment toward the brand, languages',
      access: { kind: 'tenant', roles: ALL },
      docs: { query: SignalSeriesQuerySchema, response: SignalSeriesResponseSchema },
      handle: async (ctx) => {
        const tenant = tenantOf(ctx);
        const brand = await brands.getBrandOrThrow(deps, tenant, brandIdOf(ctx));
        const q = query(ctx, SignalSeriesQuerySchema);
        const points = await signals.readSignalSeries(stores(), tenant, brand.id, q);
        return ok({ brandId: brand.id, from: q.from, to: q.to, points });
      },
    },
    {
      method: 'GET',
      path: '/brands/:brandId/signals/top-posts',
      summary: "A day's posts about the brand from a source (or `all`), by reach or the most negative first",
      access: { kind: 'tenant', roles: ALL },
      docs: { query: TopPostsQuerySchema, response: TopPostsResponseSchema },
      handle: async (ctx) => {
        const tenant = tenantOf(ctx);
        const brand = await brands.getBrandOrThrow(deps, tenant, brandIdOf(ctx));
        const q = query(ctx, TopPostsQuerySchema);
        const items = await signals.readTopPosts(stores(), tenant, brand.id, q);
        return ok({ brandId: brand.id, day: q.day, source: q.source, order: q.order, items });
      },
    },
    {
      method: 'GET',
      path: '/signals/alerts',
      summary:
        'Volume and sentiment swing alerts with their evidence, newest day first: filter by brandId, status, from/to; open and acknowledged by default',
      access: { kind: 'tenant', roles: ALL },
      docs: { query: SignalAlertsQuerySchema, response: SignalAlertsPageSchema },
      handle: async (ctx) =>
        ok(await signals.listSignalAlerts(stores(), tenantOf(ctx), query(ctx, SignalAlertsQuerySchema))),
    },
    {
      method: 'POST',
      path: '/signals/alerts/:alertId/acknowledge',
      summary: 'Acknowledge an alert (idempotent: the first acknowledgement stands)',
      access: { kind: 'tenant', roles: RESPONDERS },
      docs: { response: SignalAlertSchema },
      handle: async (ctx) => {
        const id = SignalAlertIdSchema.safeParse(ctx.params.alertId);
        if (!id.success) throw new NotFoundError('Alert not found', { code: 'alert_not_found' });
        return ok(await signals.acknowledgeSignalAlert(stores(), tenantOf(ctx), id.data));
      },
    },
  ];
}
