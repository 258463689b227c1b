import document from '../../../../docs/openapi.json' with { type: 'json' };
import type { RouteDefinition } from '../routes.ts';

/**
 * `GET /openapi.json` from the document generated into docs/openapi.json (`npm run openapi`; a unit test keeps it
 * equal to what the route table generates). For the AWS analytics function, which serves only some route groups:
 * describing the whole API from the live table would mean bundling every group's code. The local stack serves the
 * same document generated live (route-table.ts).
 */
export function openApiDocumentRoute(version: string): RouteDefinition {
  const versioned = { ...document, info: { ...document.info, version } };
  return {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API described as OpenAPI 3.1, generated from the route table',
    access: { kind: 'public' },
    handle: async () => ({ status: 200, body: versioned }),
  };
}
