import { describe, expect, it, vi } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../../functions/adapters/connectors/webhook-signature.ts';
import { createApiApp } from '../../../functions/handlers/api/app.ts';
import { apiRoutes } from '../../../functions/handlers/api/route-table.ts';
import type { ApiDeps } from '../../../functions/handlers/api/routes.ts';
import { UnauthenticatedError } from '../../../shared/domain/errors.ts';
import { ingestWebhook, type WebhookDeps } from '../../../shared/use-cases/connectors.ts';
import { apiEvent, lambdaContext, verifiedToken } from '../../support/api-event.ts';
import { InMemoryWorkspaces } from '../../support/in-memory-workspaces.ts';

const TENANT = 'ws_01jz0000000000000000000000';
const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };

async function app(overrides: Partial<ApiDeps> = {}) {
  const workspaces = new InMemoryWorkspaces();
  await workspaces.createWorkspaceWithOwner(
    { id: TENANT as never, name: 'Acme', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'olga', plan: 'trial' },
    { tenantId: TENANT as never, userId: 'olga', email: 'o@example.com', role: 'owner', joinedAt: '' },
  );
  const deps = {
    workspaces,
    clock: { now: () => new Date('2026-11-25T10:00:00Z') },
    verifier: {
      verify: async (raw: string) => {
        if (raw !== 'olga') throw new UnauthenticatedError('bad token');
        return verifiedToken('olga', TENANT, ['owner']);
      },
    },
    maxBodyBytes: 1024,
    version: 'test',
    ...overrides,
  } as unknown as ApiDeps;
  return createApiApp(deps, logger, apiRoutes(deps));
}

describe('malformed %-escapes in path parameters', () => {
  it('every route with a path parameter answers 400 invalid_path in the error format, never 500', async () => {
    const api = await app();
    const routes = apiRoutes({} as ApiDeps).filter((r) => r.path.includes(':'));
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      for (const bad of ['%E0%A4%A', '%', '%zz', '%C0%AF']) {
        const path = route.path.replace(/:\w+/g, bad);
        const res = await api.handle(apiEvent(route.method, path, { token: 'olga' }), lambdaContext);
        expect(res.statusCode, `${route.method} ${path}`).toBe(400);
        expect(JSON.parse(String(res.body))).toEqual({
          error: { code: 'invalid_path', message: 'The path has a malformed percent-escape' },
        });
      }
    }
    expect(logger.error).not.toHaveBeenCalled();
  });
});

describe('GET /brands/{id}/prompt-set/diff', () => {
  it('without `from` compares `to` with the version before it (as the OpenAPI document declares)', async () => {
    const getPromptSetVersion = vi.fn(async (_t: string, brandId: string, version: number) => ({
      brandId,
      version,
      prompts: [],
    }));
    const api = await app({
      brands: {
        getBrand: async () => ({ id: 'brd_01jz0000000000000000000000', promptSetVersion: 3, topics: [] }),
        getPromptSetVersion,
      } as never,
    });
    const res = await api.handle(
      apiEvent('GET', '/brands/brd_01jz0000000000000000000000/prompt-set/diff', { token: 'olga', query: 'to=3' }),
      lambdaContext,
    );
    expect(res.statusCode, String(res.body)).toBe(200);
    expect(JSON.parse(String(res.body))).toMatchObject({ from: 2, to: 3 });
    expect(getPromptSetVersion.mock.calls.map((c) => c[2]).sort()).toEqual([2, 3]);
    const noTo = await api.handle(
      apiEvent('GET', '/brands/brd_01jz0000000000000000000000/prompt-set/diff', { token: 'olga' }),
      lambdaContext,
    );
    expect(noTo.statusCode).toBe(400);
    expect(JSON.parse(String(noTo.body)).error.code).toBe('invalid_query');
  });
});

describe('webhook route: the answer never tells whether a connector exists', () => {
  const SECRET = 'whsec_test';
  const existing = 'con_01jz0000000000000000000000';
  const missing = 'con_01jz1111111111111111111111';
  const deps = {
    connectors: {
      findWebhook: async (id: string) =>
        id === existing
          ? {
              tenantId: TENANT,
              connector: { status: 'active', brandId: 'brd_x', config: { source: 'webhook', toleranceSeconds: 300 } },
              secrets: [{ value: SECRET }],
            }
          : null,
    },
    clock: { now: () => new Date('2026-11-25T10:00:00Z') },
    verify: verifyWebhookSignature,
  } as unknown as WebhookDeps;
  const now = Math.floor(Date.parse('2026-11-25T10:00:00Z') / 1000);
  const body = '{"items":[]}';
  const cases: [string, Record<string, string | undefined>][] = [
    ['no signature headers', {}],
    ['a malformed signature', { 'x-promptpulse-timestamp': String(now), 'x-promptpulse-signature': 'v1=zz' }],
    ['a stale timestamp', signWebhook('other', body, now - 3600)],
    ['a wrong secret', signWebhook('other', body, now)],
  ];
  const outcome = (connectorId: string, headers: Record<string, string | undefined>) =>
    ingestWebhook(deps, {
      connectorId,
      header: (name) => headers[name],
      body,
      parse: () => ({ items: [] }) as never,
    }).then(
      () => 'accepted',
      (error: { name: string; code: string; message: string }) => `${error.name}/${error.code}/${error.message}`,
    );

  it.each(cases)('%s: same error for an existing and a missing connector', async (_label, headers) => {
    const forExisting = await outcome(existing, headers);
    expect(forExisting).not.toBe('accepted');
    expect(await outcome(missing, headers)).toBe(forExisting);
    expect(await outcome('not-an-id', headers)).toBe(forExisting);
  });
});
