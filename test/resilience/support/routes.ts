import type { RouteDefinition } from '../../../functions/handlers/api/routes.ts';
import { ROUTES, routeKey, SAMPLE_BODIES, SAMPLE_QUERIES } from '../../support/route-catalog.ts';

export { ROUTES, routeKey };

/** Routes that need a token: everything the route table does not declare public. */
export const PROTECTED_ROUTES = ROUTES.filter((r) => r.access.kind !== 'public');
export const TENANT_ROUTES = ROUTES.filter((r) => r.access.kind === 'tenant');

/** Path parameters of a route, in order (`/brands/:brandId/runs` → `['brandId']`). */
export const pathParams = (route: Pick<RouteDefinition, 'path'>) =>
  [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);

/**
 * Fills path parameters from `ids`; a parameter no tenant id is known for (a route added since) gets a
 * well-formed-looking placeholder, so the request still reaches the route and its checks.
 */
export function fillPathLoose(path: string, ids: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(ids[name] ?? `unknown-${name}`));
}

/** A request (body, content type, query) that would pass validation on the route, from the shared catalogue. */
export function sampleRequest(route: RouteDefinition): {
  query: string;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
} {
  const sample = SAMPLE_BODIES[routeKey(route)];
  const query = SAMPLE_QUERIES[routeKey(route)] ?? '';
  if (!sample) return { query };
  return typeof sample.body === 'string'
    ? { query, rawBody: sample.body, contentType: sample.contentType ?? 'text/plain' }
    : { query, body: sample.body, ...(sample.contentType ? { contentType: sample.contentType } : {}) };
}

export function urlOf(route: RouteDefinition, ids: Record<string, string>, extraQuery = ''): string {
  const { query } = sampleRequest(route);
  const q = [query, extraQuery].filter(Boolean).join('&');
  return `${fillPathLoose(route.path, ids)}${q ? `?${q}` : ''}`;
}

/** The catalogue's sample JSON body of a route (undefined for text bodies and routes without one). */
export function SAMPLE_BODY_OF(route: RouteDefinition): unknown {
  const sample = sampleRequest(route);
  return sample.rawBody === undefined ? sample.body : undefined;
}
