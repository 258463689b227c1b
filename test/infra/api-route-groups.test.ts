import { describe, expect, it } from 'vitest';
import { API_ROUTE_GROUPS, type ApiRouteGroup, type ApiRouteKey } from '../../cdk/constructs/api-service.ts';
import { actionGroupRoutes } from '../../functions/handlers/api/groups/actions.ts';
import { connectorGroupRoutes } from '../../functions/handlers/api/groups/connectors.ts';
import { apiRoutes } from '../../functions/handlers/api/route-table.ts';
import { analyticsRoutes } from '../../functions/handlers/api/routes/analytics.ts';
import { drilldownRoutes } from '../../functions/handlers/api/routes/drilldown.ts';
import { openApiDocumentRoute } from '../../functions/handlers/api/routes/openapi-document.ts';
import { type ApiDeps, coreRoutes, type RouteDefinition } from '../../functions/handlers/api/routes.ts';
import { defaultTemplates, logicalIdOf } from './support.ts';

/**
 * In AWS the API is five functions, one per route group, behind one HTTP API; locally one process serves the whole
 * table. This checks the split loses nothing: every route of the app, sent through API Gateway's route selection,
 * lands on a function whose own route table serves it (else it would answer 404 in AWS only).
 */
const deps = {} as ApiDeps;
const SERVED: Record<ApiRouteGroup | 'core', RouteDefinition[]> = {
  core: coreRoutes(deps),
  analytics: [...analyticsRoutes(deps), ...drilldownRoutes(deps)],
  docs: [openApiDocumentRoute('test')],
  actions: actionGroupRoutes(deps),
  connectors: connectorGroupRoutes(deps),
};
const CATCH_ALL: ApiRouteKey = { method: 'ANY', path: '/{proxy+}' };

/** Does an HTTP API route key match a request path (segments; `{x}` one segment, `{x+}` one or more)? */
function matches(key: ApiRouteKey, method: string, path: string): boolean {
  if (key.method !== 'ANY' && key.method !== method) return false;
  const want = key.path.split('/').slice(1);
  const got = path.split('/').slice(1);
  for (const [i, segment] of want.entries()) {
    if (segment.endsWith('+}')) return got.length > i;
    if (i >= got.length) return false;
    if (!segment.startsWith('{') && segment !== got[i]) return false;
  }
  return want.length === got.length;
}

/**
 * API Gateway's choice among matching routes (HTTP API "routing API requests": the most specific match wins; a
 * greedy variable is less specific than a full match, and a longer path before it more specific than a shorter).
 */
function specificity(key: ApiRouteKey): number[] {
  const segments = key.path.split('/').slice(1);
  const greedy = segments.some((s) => s.endsWith('+}'));
  const literals = segments.filter((s) => !s.startsWith('{')).length;
  return [greedy ? 0 : 1, greedy ? segments.length : literals, key.method === 'ANY' ? 0 : 1];
}

function selectGroup(method: string, path: string): ApiRouteGroup | 'core' {
  const candidates = [
    { group: 'core' as const, key: CATCH_ALL },
    ...(Object.entries(API_ROUTE_GROUPS) as [ApiRouteGroup, readonly ApiRouteKey[]][]).flatMap(([group, keys]) =>
      keys.map((key) => ({ group, key })),
    ),
  ].filter(({ key }) => matches(key, method, path));
  candidates.sort((a, b) => {
    const [x, y] = [specificity(a.key), specificity(b.key)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (y[i] ?? 0) - (x[i] ?? 0);
    return 0;
  });
  return candidates[0]?.group ?? 'core';
}

/** A request path for a route-table path (`:brandId` → a plausible id). */
const samplePath = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => `${name}-1`);

describe('API route groups (one HTTP API, five functions)', () => {
  const all = apiRoutes(deps);

  it('the selection model follows API Gateway (prefix-greedy beats the catch-all, methods must match)', () => {
    expect(selectGroup('GET', '/actions')).toBe('actions');
    expect(selectGroup('PATCH', '/actions/act-1')).toBe('actions');
    expect(selectGroup('POST', '/brands/brd-1/actions/generate')).toBe('actions');
    expect(selectGroup('GET', '/brands/brd-1/actions/generate')).toBe('core');
    expect(selectGroup('GET', '/brands/brd-1/analytics/trends')).toBe('analytics');
    expect(selectGroup('GET', '/brands/brd-1/metrics')).toBe('core');
    expect(selectGroup('POST', '/ingest/webhooks/con-1')).toBe('connectors');
  });

  it.each(all.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s reaches a function that serves it',
    (_, route) => {
      const group = selectGroup(route.method, samplePath(route.path));
      const served = SERVED[group].some((r) => r.method === route.method && r.path === route.path);
      expect(served, `${route.method} ${route.path} goes to the ${group} function, which has no such route`).toBe(true);
    },
  );

  it('every group serves only routes of the app, and every route is served by exactly one group', () => {
    const keys = all.map((r) => `${r.method} ${r.path}`);
    const served = Object.values(SERVED).flatMap((routes) => routes.map((r) => `${r.method} ${r.path}`));
    expect(served.sort()).toEqual(keys.sort());
    // The split is real: the core function carries none of the other groups' routes.
    const core = new Set(SERVED.core.map((r) => r.path));
    for (const r of [...SERVED.actions, ...SERVED.connectors]) expect(core.has(r.path)).toBe(false);
  });

  it('the synthesized HTTP API has exactly the group routes, each integrated with its own function', () => {
    const { app, stateless } = defaultTemplates();
    const resources = stateless.toJSON().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const functionOfIntegration = new Map(
      Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Integration')
        .map(([id, r]) => [id, JSON.stringify(r.Properties.IntegrationUri)]),
    );
    const routeTarget = new Map(
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
        .map((r) => {
          const target = JSON.stringify(r.Properties.Target).match(/"Ref":"([^"]+)"/)?.[1] ?? '';
          return [r.Properties.RouteKey as string, functionOfIntegration.get(target) ?? ''];
        }),
    );
    const handlers = app.stateless.service.routeGroupHandlers;
    for (const [group, keys] of Object.entries(API_ROUTE_GROUPS) as [ApiRouteGroup, readonly ApiRouteKey[]][]) {
      const fnId = logicalIdOf(handlers[group].function);
      for (const key of keys) expect(routeTarget.get(`${key.method} ${key.path}`)).toContain(fnId);
    }
  });
});
