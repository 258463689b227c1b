import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../functions/handlers/api/openapi.ts';
import { apiRoutes } from '../../../functions/handlers/api/route-table.ts';
import type { ApiDeps } from '../../../functions/handlers/api/routes.ts';

const routes = apiRoutes({} as ApiDeps);
const document = buildOpenApiDocument(routes, 'dev');

describe('OpenAPI document', () => {
  it('describes every route with its method, security and error responses', () => {
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const operation = document.paths?.[path]?.[route.method.toLowerCase() as 'get'];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      if (route.access.kind !== 'public') expect(operation?.security).toEqual([{ cognitoJwt: [] }]);
      if (route.docs?.ifMatch) expect(operation?.responses?.['412']).toBeDefined();
    }
  });

  it('is committed up to date in docs/openapi.json (run `npm run openapi` after changing routes)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(document)));
  });
});

describe('public routes', () => {
  it('are exactly the routes the route table marks public (the gateways skip the JWT authorizer for these)', async () => {
    const { PUBLIC_ROUTES } = await import('../../../shared/infra/resources.ts');
    const publicInTable = routes.filter((r) => r.access.kind === 'public').map((r) => `${r.method} ${r.path}`);
    expect(PUBLIC_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(publicInTable.sort());
  });
});
