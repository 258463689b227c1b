import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CreateWorkspaceRequestSchema } from '#shared/contracts/workspaces.ts';
import type { Principal, TenantPrincipal } from '#shared/domain/principal.ts';
import { ROLES, type Role } from '#shared/domain/roles.ts';
import type { AccessTokenVerifier } from '#shared/ports/access-token-verifier.ts';
import type { WorkspaceDeps } from '#shared/use-cases/workspaces.ts';
import { createWorkspace, describeCaller, getCurrentWorkspace } from '#shared/use-cases/workspaces.ts';
import { parseJsonBody } from '../../middleware/request.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a route: anyone, any signed-in user, or members of the token's workspace with given roles. */
export type RouteAccess = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'tenant'; roles: readonly Role[] };

export interface ApiDeps extends WorkspaceDeps {
  verifier: AccessTokenVerifier;
  maxBodyBytes: number;
  version: string;
}

export interface RouteContext {
  event: APIGatewayProxyEventV2;
  params: Record<string, string>;
  /** Set for `authenticated` and `tenant` routes. */
  principal: Principal | null;
  /** Set for `tenant` routes, after membership and role are confirmed. */
  tenant: TenantPrincipal | null;
}

export interface RouteResult {
  status: number;
  body: unknown;
}

export interface RouteDefinition {
  method: HttpMethod;
  path: `/${string}`;
  summary: string;
  access: RouteAccess;
  handle(ctx: RouteContext): Promise<RouteResult>;
}

const ALL_ROLES = ROLES;

function requireTenant(ctx: RouteContext): TenantPrincipal {
  if (!ctx.tenant) throw new Error('tenant route invoked without a tenant principal');
  return ctx.tenant;
}

function requirePrincipal(ctx: RouteContext): Principal {
  if (!ctx.principal) throw new Error('authenticated route invoked without a principal');
  return ctx.principal;
}

/**
 * The API's route table: the single list the router, the role checks and the generated authorization tests
 * are built from. Handlers stay thin: parse, call a use case, return a status and a body.
 */
export function apiRoutes(deps: ApiDeps): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/health',
      summary: 'Liveness of the API function',
      access: { kind: 'public' },
      handle: async () => ({
        status: 200,
        body: { status: 'ok', service: 'promptpulse-api', version: deps.version, time: deps.clock.now().toISOString() },
      }),
    },
    {
      method: 'GET',
      path: '/me',
      summary: 'The caller and their workspace, if any',
      access: { kind: 'authenticated' },
      handle: async (ctx) => ({ status: 200, body: await describeCaller(deps, requirePrincipal(ctx)) }),
    },
    {
      method: 'POST',
      path: '/workspaces',
      summary: "Create the caller's workspace; the caller becomes its owner",
      access: { kind: 'authenticated' },
      handle: async (ctx) => {
        const input = parseJsonBody(ctx.event, CreateWorkspaceRequestSchema, deps.maxBodyBytes);
        return { status: 201, body: await createWorkspace(deps, requirePrincipal(ctx), input) };
      },
    },
    {
      method: 'GET',
      path: '/workspaces/current',
      summary: "The caller's current workspace",
      access: { kind: 'tenant', roles: ALL_ROLES },
      handle: async (ctx) => ({ status: 200, body: await getCurrentWorkspace(deps, requireTenant(ctx)) }),
    },
  ];
}
