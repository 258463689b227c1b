import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ForbiddenError, UnauthenticatedError } from '#shared/domain/errors.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { isRole, roleAllows } from '#shared/domain/roles.ts';
import { isTenantId } from '#shared/domain/workspace.ts';
import type { AccessTokenVerifier } from '#shared/ports/access-token-verifier.ts';
import type { RateLimitSetting } from '#shared/ports/rate-limiter.ts';
import type { WorkspaceRepository } from '#shared/ports/workspace-repository.ts';
import { authorizeTenantPrincipal } from '#shared/use-cases/workspaces.ts';
import { HttpError, mapError } from '../../middleware/http-errors.ts';
import { header } from '../../middleware/request.ts';
import type { RouteContext, RouteDefinition } from './routes.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { ...JSON_HEADERS, ...headers },
  });
}

/** `/workspaces/:id` → anchored regex, to tell "wrong method" (405) from "no such path" (404). */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * The router decodes path parameters with decodeURIComponent, which throws on a malformed %-escape
 * (`/brands/%E0%A4%A`): such a path is the client's mistake, answered 400 in the API's error format.
 */
function malformedPathError(rawPath: string | undefined): HttpError | null {
  try {
    decodeURIComponent(rawPath ?? '/');
    return null;
  } catch {
    return new HttpError(400, 'invalid_path', 'The path has a malformed percent-escape');
  }
}

/** What the app itself needs besides its routes: token verification and the membership check. */
export interface AppDeps {
  verifier: AccessTokenVerifier;
  workspaces: WorkspaceRepository;
  /** Per tenant and route (per user before a workspace exists): over it, 429 with Retry-After. Absent: no limit. */
  rateLimit?: RateLimitSetting | undefined;
}

/** Counts the request against its tenant's (or user's) budget for this route; over it, 429 with Retry-After. */
async function throttle(setting: RateLimitSetting, route: RouteDefinition, ctx: RouteContext): Promise<void> {
  if (!ctx.principal) return;
  const partition = ctx.tenant ? `${ctx.tenant.tenantId}#RATE` : `RATE#user#${ctx.principal.userId}`;
  const decision = await setting.limiter.hit(
    { partition, name: `${route.method} ${route.path}` },
    setting.rule,
    new Date(),
  );
  if (!decision.allowed) {
    throw new HttpError(
      429,
      'rate_limited',
      `Too many requests to this route; try again in ${decision.retryAfterSeconds} s`,
      { limit: setting.rule.limit, windowSeconds: setting.rule.windowSeconds },
      { 'retry-after': String(decision.retryAfterSeconds) },
    );
  }
}

async function authenticate(deps: AppDeps, event: APIGatewayProxyEventV2): Promise<Principal> {
  const authorization = header(event, 'authorization');
  const match = authorization?.match(/^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/);
  if (!match?.[1]) throw new UnauthenticatedError('A bearer access token is required');
  const token = await deps.verifier.verify(match[1]);
  return {
    userId: token.sub,
    email: token.email,
    tenantId: token.tenantId && isTenantId(token.tenantId) ? token.tenantId : null,
    claimedRole: token.groups.find(isRole) ?? null,
  };
}

/**
 * Builds the API's request handler: Powertools' Router for matching, then for every route the same steps —
 * authenticate, authorize (tenant from the verified token only; membership and role confirmed in the store),
 * run the route, and map any error through the one error mapper.
 */
export function createApiApp(
  deps: AppDeps | null,
  logger: Pick<Logger, 'error' | 'warn' | 'info' | 'debug'>,
  routes: RouteDefinition[],
) {
  // `null`: an app of public routes only (no token verification or membership store to wire).
  const protectedRoute = routes.find((route) => route.access.kind !== 'public');
  if (!deps && protectedRoute) {
    throw new Error(`${protectedRoute.method} ${protectedRoute.path} needs a token verifier and the workspace store`);
  }
  const router = new Router({ logger });

  const run = (route: RouteDefinition) => async (reqCtx: { event: unknown; params: Record<string, string> }) => {
    const event = reqCtx.event as APIGatewayProxyEventV2;
    try {
      const ctx: RouteContext = { event, params: reqCtx.params, principal: null, tenant: null };
      if (route.access.kind !== 'public') {
        // Unreachable without deps (refused at construction); never serve a protected route unauthenticated.
        if (!deps) throw new UnauthenticatedError('This function cannot verify tokens');
        ctx.principal = await authenticate(deps, event);
      }
      if (route.access.kind === 'tenant' && ctx.principal && deps) {
        ctx.tenant = await authorizeTenantPrincipal(deps, ctx.principal);
        if (!roleAllows(ctx.tenant.role, route.access.roles)) {
          throw new ForbiddenError(`Your role (${ctx.tenant.role}) cannot do this`, {
            code: 'role_not_allowed',
            details: { allowedRoles: route.access.roles },
          });
        }
      }
      if (deps?.rateLimit) await throttle(deps.rateLimit, route, ctx);
      const result = await route.handle(ctx);
      if (result.rawContentType) {
        return new Response(String(result.body), {
          status: result.status,
          headers: { 'content-type': result.rawContentType, 'cache-control': 'no-store', ...result.headers },
        });
      }
      return json(result.status, result.body, result.headers);
    } catch (error) {
      const mapped = mapError(error);
      if (mapped.unexpected) logger.error('Unhandled error in route', { route: route.path, error: error as Error });
      else logger.debug('Request refused', { route: route.path, code: mapped.body.error.code });
      return json(mapped.status, mapped.body, mapped.headers);
    }
  };

  for (const route of routes) router.route(run(route), { method: route.method, path: route.path });

  const patterns = routes.map((route) => ({ route, pattern: pathPattern(route.path) }));
  router.notFound(async (_error, reqCtx) => {
    const event = reqCtx.event as APIGatewayProxyEventV2;
    const path = event.rawPath ?? '/';
    const allowed = patterns.filter(({ pattern }) => pattern.test(path)).map(({ route }) => route.method);
    const error =
      allowed.length > 0
        ? new HttpError(
            405,
            'method_not_allowed',
            `Method ${event.requestContext.http.method} is not allowed here`,
            {
              allowed,
            },
            { allow: allowed.join(', ') },
          )
        : new HttpError(404, 'route_not_found', `No route for ${event.requestContext.http.method} ${path}`);
    const mapped = mapError(error);
    return json(mapped.status, mapped.body, mapped.headers);
  });

  return {
    routes,
    async handle(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
      const badPath = malformedPathError(event.rawPath);
      if (badPath) {
        const mapped = mapError(badPath);
        return { statusCode: mapped.status, headers: JSON_HEADERS, body: JSON.stringify(mapped.body) };
      }
      try {
        return await router.resolve(event, context);
      } catch (error) {
        // Last line of defence: the router itself failed (e.g. an event it cannot read).
        logger.error('Router failed', { error: error as Error });
        const mapped = mapError(error);
        return { statusCode: mapped.status, headers: JSON_HEADERS, body: JSON.stringify(mapped.body) };
      }
    },
  };
}
