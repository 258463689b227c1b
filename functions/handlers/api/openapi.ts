import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { ErrorResponseSchema } from '#shared/contracts/errors.ts';
import type { RouteDefinition } from './routes.ts';

const ERROR_RESPONSES: Record<number, string> = {
  400: 'Invalid input (the body, query or a business rule); `details` says which field and why',
  401: 'Missing, invalid or expired access token',
  403: 'Not a member of the workspace, or the role may not do this',
  404: 'Not found (or in another workspace: the two look the same)',
  409: 'Conflict with the current state (duplicate, plan limit, last owner)',
  412: 'Stale `If-Match`: the resource changed since it was read',
  413: 'Body too large',
  415: 'Wrong content type',
  428: '`If-Match` is required',
};

/** OpenAPI 3.1 document generated from the route table and its zod contracts (no hand-written spec). */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], version: string) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'cognitoJwt', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Cognito (or local issuer) access token; the workspace comes from its `custom:tenant_id` claim.',
  });
  const errorSchema = ErrorResponseSchema;

  for (const route of routes) {
    const paramNames = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
    const docs = route.docs ?? {};
    const errors = Object.fromEntries(
      Object.entries(ERROR_RESPONSES)
        .filter(([status]) => {
          if (route.access.kind === 'public') return status === '400';
          if (status === '412' || status === '428') return Boolean(docs.ifMatch);
          if (status === '415' || status === '413') return Boolean(docs.body || docs.bodyMediaType);
          return true;
        })
        .map(([status, description]) => [
          status,
          { description, content: { 'application/json': { schema: errorSchema } } },
        ]),
    );
    const success =
      route.method === 'DELETE'
        ? 204
        : route.method === 'POST' && route.path !== '/brands/:brandId/prompt-suggestions'
          ? 201
          : 200;
    const config: RouteConfig = {
      method: route.method.toLowerCase() as RouteConfig['method'],
      path: route.path.replace(/:(\w+)/g, '{$1}'),
      summary: route.summary,
      description:
        route.access.kind === 'tenant'
          ? `Roles: ${route.access.roles.join(', ')}.`
          : route.access.kind === 'public'
            ? 'No authentication.'
            : 'Any signed-in user.',
      ...(route.access.kind === 'public' ? {} : { security: [{ [bearer.name]: [] }] }),
      request: {
        ...(paramNames.length > 0
          ? { params: z.object(Object.fromEntries(paramNames.map((n) => [n, z.string()]))) }
          : {}),
        ...(docs.query ? { query: docs.query } : {}),
        ...(docs.ifMatch
          ? { headers: z.object({ 'if-match': z.string().describe('The version edited, e.g. "3"') }) }
          : {}),
        ...(docs.body
          ? { body: { required: true, content: { 'application/json': { schema: docs.body } } } }
          : docs.bodyMediaType
            ? { body: { required: true, content: { [docs.bodyMediaType]: { schema: z.string() } } } }
            : {}),
      },
      responses: {
        [success]: {
          description: 'Success',
          ...(docs.response
            ? { content: { 'application/json': { schema: docs.response } } }
            : docs.responseMediaType
              ? { content: { [docs.responseMediaType]: { schema: z.string() } } }
              : {}),
        },
        ...errors,
      },
    };
    registry.registerPath(config);
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'PromptPulse API',
      version,
      description:
        'How AI assistants and the social web talk about your brand. All errors: `{error:{code,message,details}}`.',
    },
    servers: [{ url: '/api', description: 'Local stack (the AWS API has no /api prefix)' }],
  });
}
