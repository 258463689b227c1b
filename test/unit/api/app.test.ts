import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiApp } from '../../../functions/handlers/api/app.ts';
import { apiRoutes } from '../../../functions/handlers/api/route-table.ts';
import type { ApiDeps, RouteDefinition } from '../../../functions/handlers/api/routes.ts';
import { UnauthenticatedError } from '../../../shared/domain/errors.ts';
import type { VerifiedAccessToken } from '../../../shared/ports/access-token-verifier.ts';
import { InMemoryWorkspaces } from '../../support/in-memory-workspaces.ts';

const TENANT = 'ws_01jz0000000000000000000000';
const OTHER_TENANT = 'ws_01jz1111111111111111111111';

function token(sub: string, tenantId: string | null, groups: string[] = []): VerifiedAccessToken {
  return { sub, email: `${sub}@example.com`, tenantId, groups, clientId: 'web', issuedAt: 0, expiresAt: 0, claims: {} };
}

function event(
  method: string,
  path: string,
  options: { token?: string; body?: string; headers?: Record<string, string> } = {},
) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    requestContext: {
      accountId: '1',
      apiId: 'api',
      domainName: 'x',
      domainPrefix: 'x',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body: options.body,
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

const context = { awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
const silentLogger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };

let workspaces: InMemoryWorkspaces;
let deps: ApiDeps;
const tokens = new Map<string, VerifiedAccessToken>();

beforeEach(async () => {
  workspaces = new InMemoryWorkspaces();
  tokens.clear();
  let n = 0;
  deps = {
    workspaces,
    clock: { now: () => new Date('2026-11-25T10:00:00Z') },
    ids: { next: () => `01JZ${String(++n).padStart(22, '0')}` },
    brands: {} as ApiDeps['brands'],
    auditLog: {} as ApiDeps['auditLog'],
    directory: {} as ApiDeps['directory'],
    runs: {} as ApiDeps['runs'],
    usage: {} as ApiDeps['usage'],
    workflow: {} as ApiDeps['workflow'],
    rollups: {} as ApiDeps['rollups'],
    warehouse: {} as ApiDeps['warehouse'],
    signals: {} as ApiDeps['signals'],
    signalAlerts: {} as ApiDeps['signalAlerts'],
    maxBodyBytes: 1024,
    version: 'test',
    verifier: {
      verify: async (raw) => {
        const found = tokens.get(raw);
        if (!found) throw new UnauthenticatedError('bad token');
        return found;
      },
    },
  };
  await workspaces.createWorkspaceWithOwner(
    { id: TENANT as never, name: 'Acme', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'olga', plan: 'trial' },
    {
      tenantId: TENANT as never,
      userId: 'olga',
      email: 'olga@example.com',
      role: 'owner',
      joinedAt: '2026-01-01T00:00:00.000Z',
    },
  );
  await workspaces.addMember({
    tenantId: TENANT as never,
    userId: 'vic',
    email: 'v@example.com',
    role: 'viewer',
    joinedAt: '',
  });
  tokens.set('olga', token('olga', TENANT, ['owner']));
  tokens.set('vic', token('vic', TENANT, ['viewer']));
  tokens.set('vic-claims-owner', token('vic', TENANT, ['owner']));
  tokens.set('newbie', token('newbie', null));
  tokens.set('intruder', token('mallory', TENANT, ['owner']));
  tokens.set('olga-other-tenant', token('olga', OTHER_TENANT, ['owner']));
});

async function send(e: APIGatewayProxyEventV2, routes: RouteDefinition[] = apiRoutes(deps)) {
  const app = createApiApp(deps, silentLogger, routes);
  const result = await app.handle(e, context);
  return { status: result.statusCode, headers: result.headers ?? {}, json: JSON.parse(result.body ?? 'null') };
}

describe('api app: routing and errors', () => {
  it('answers 404 for unknown paths and 405 (with Allow) for known paths with a wrong method', async () => {
    expect((await send(event('GET', '/nope', { token: 'olga' }))).status).toBe(404);
    const wrong = await send(event('PUT', '/workspaces', { token: 'olga' }));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
  });

  it('requires a bearer token on authenticated routes, even when invoked without the gateway', async () => {
    const res = await send(event('GET', '/me'));
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code: 'unauthenticated', message: 'A bearer access token is required' } });
    expect((await send(event('GET', '/me', { token: 'forged' }))).status).toBe(401);
  });

  it('turns unexpected failures into a generic 500 that leaks nothing', async () => {
    workspaces.getMember = async () => {
      throw new Error('ProvisionedThroughputExceeded at arn:aws:dynamodb:secret-table');
    };
    const res = await send(event('GET', '/workspaces/current', { token: 'olga' }));
    expect(res.status).toBe(500);
    expect(res.json.error.code).toBe('internal_error');
    expect(JSON.stringify(res.json)).not.toContain('secret-table');
    expect(silentLogger.error).toHaveBeenCalled();
  });
});

describe('api app: tenancy and roles', () => {
  it('takes the role from the store, not from the token groups', async () => {
    const restricted: RouteDefinition = {
      method: 'POST',
      path: '/owners-only',
      summary: 'test',
      access: { kind: 'tenant', roles: ['owner'] },
      handle: async (ctx) => ({ status: 200, body: { role: ctx.tenant?.role } }),
    };
    const routes = [...apiRoutes(deps), restricted];
    const asOwner = await send(event('POST', '/owners-only', { token: 'olga' }), routes);
    expect(asOwner).toMatchObject({ status: 200, json: { role: 'owner' } });
    const viewerClaimingOwner = await send(event('POST', '/owners-only', { token: 'vic-claims-owner' }), routes);
    expect(viewerClaimingOwner.status).toBe(403);
    expect(viewerClaimingOwner.json.error).toMatchObject({
      code: 'role_not_allowed',
      details: { allowedRoles: ['owner'] },
    });
  });

  it('refuses a tenant claim without membership, and a member pointing at another tenant', async () => {
    const intruder = await send(event('GET', '/workspaces/current', { token: 'intruder' }));
    expect(intruder).toMatchObject({ status: 403, json: { error: { code: 'not_a_member' } } });
    const crossTenant = await send(event('GET', '/workspaces/current', { token: 'olga-other-tenant' }));
    expect(crossTenant).toMatchObject({ status: 403, json: { error: { code: 'not_a_member' } } });
  });

  it('creates a workspace for a newcomer, never for a body-chosen tenant', async () => {
    const smuggled = await send(
      event('POST', '/workspaces', { token: 'newbie', body: JSON.stringify({ name: 'Mine', tenantId: TENANT }) }),
    );
    expect(smuggled.status).toBe(400);
    const created = await send(
      event('POST', '/workspaces', { token: 'newbie', body: JSON.stringify({ name: 'Mine' }) }),
    );
    expect(created.status).toBe(201);
    expect(created.json.id).not.toBe(TENANT);
    expect(await workspaces.findMembership('newbie')).toMatchObject({ tenantId: created.json.id, role: 'owner' });
    expect((await send(event('POST', '/workspaces', { token: 'olga', body: '{"name":"Again"}' }))).status).toBe(409);
  });

  it('refuses bodies over the configured limit before parsing them', async () => {
    const res = await send(
      event('POST', '/workspaces', { token: 'newbie', body: JSON.stringify({ name: 'x'.repeat(2000) }) }),
    );
    expect(res).toMatchObject({
      status: 413,
      json: { error: { code: 'payload_too_large', details: { limitBytes: 1024 } } },
    });
    expect(await workspaces.findMembership('newbie')).toBeNull();
  });
});
