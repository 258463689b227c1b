import { actionGroupRoutes } from './groups/actions.ts';
import { connectorGroupRoutes } from './groups/connectors.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { ok } from './route-toolkit.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { drilldownRoutes } from './routes/drilldown.ts';
import { type ApiDeps, coreRoutes, type RouteDefinition } from './routes.ts';

/**
 * The whole API: the core routes and the analytics, Action Hub and connector groups, plus the OpenAPI document of
 * all of them (generated live; `npm run openapi` writes it to docs/openapi.json). Served as one app locally; in AWS
 * one function per route group (cdk/constructs/api-service.ts), and test/infra/api-route-groups.test.ts checks the
 * HTTP API sends every route to a function that serves it.
 */
export function apiRoutes(deps: ApiDeps): RouteDefinition[] {
  let openApi: unknown = null;
  const routes: RouteDefinition[] = [
    {
      method: 'GET',
      path: '/openapi.json',
      summary: 'This API described as OpenAPI 3.1, generated from the route table',
      access: { kind: 'public' },
      handle: async () => {
        openApi ??= buildOpenApiDocument(routes, deps.version);
        return ok(openApi);
      },
    },
    ...coreRoutes(deps),
    ...analyticsRoutes(deps),
    ...drilldownRoutes(deps),
    ...connectorGroupRoutes(deps),
    ...actionGroupRoutes(deps),
  ];
  return routes;
}
