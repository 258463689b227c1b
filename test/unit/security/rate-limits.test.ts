import { describe, expect, it, vi } from 'vitest';
import { verifyWebhookSignature } from '../../../functions/adapters/connectors/webhook-signature.ts';
import { MemoryRateLimiter } from '../../../functions/adapters/memory-rate-limiter.ts';
import { createApiApp } from '../../../functions/handlers/api/app.ts';
import { apiRoutes } from '../../../functions/handlers/api/route-table.ts';
import type { ApiDeps } from '../../../functions/handlers/api/routes.ts';
import { UnauthenticatedError } from '../../../shared/domain/errors.ts';
import { apiEvent, lambdaContext, verifiedToken } from '../../support/api-event.ts';
import { InMemoryWorkspaces } from '../../support/in-memory-workspaces.ts';

const A = 'ws_01jz0000000000000000000000';
const B = 'ws_01jz1111111111111111111111';
const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };

async function app() {
  const workspaces = new InMemoryWorkspaces();
  for (const [tenant, user] of [
    [A, 'ann'],
    [B, 'bob'],
  ] as const) {
    await workspaces.createWorkspaceWithOwner(
      { id: tenant as never, name: user, createdAt: '2026-01-01T00:00:00.000Z', createdBy: user, plan: 'trial' },
      { tenantId: tenant as never, userId: user, email: `${user}@e.com`, role: 'owner', joinedAt: '' },
    );
  }
  const limiter = new MemoryRateLimiter();
  const deps = {
    workspaces,
    clock: { now: () => new Date() },
    verifier: {
      verify: async (raw: string) => {
        if (raw === 'ann') return verifiedToken('ann', A, ['owner']);
        if (raw === 'bob') return verifiedToken('bob', B, ['owner']);
        throw new UnauthenticatedError('bad token');
      },
    },
    rateLimit: { limiter, rule: { limit: 3, windowSeconds: 60 } },
    webhookRateLimit: { limiter, rule: { limit: 2, windowSeconds: 60 } },
    connectors: {
      webhook: {
        connectors: { findWebhook: async () => null },
        clock: { now: () => new Date() },
        verify: verifyWebhookSignature,
      },
    },
    maxBodyBytes: 1024,
    version: 'test',
  } as unknown as ApiDeps;
  return createApiApp(deps, logger, apiRoutes(deps));
}

describe('per-tenant, per-route API rate limits', () => {
  it('answers 429 with Retry-After past the limit, for that tenant and route only', async () => {
    const api = await app();
    const get = (path: string, token: string) => api.handle(apiEvent('GET', path, { token }), lambdaContext);
    for (let i = 0; i < 3; i++) expect((await get('/workspaces/current', 'ann')).statusCode).toBe(200);
    const refused = await get('/workspaces/current', 'ann');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(String(refused.body)).error).toMatchObject({
      code: 'rate_limited',
      details: { limit: 3, windowSeconds: 60 },
    });
    // Another tenant on the same route, and the same tenant on another route, are not affected.
    expect((await get('/workspaces/current', 'bob')).statusCode).toBe(200);
    expect((await get('/me', 'ann')).statusCode).toBe(200);
  });

  it('does not count unauthenticated requests against a tenant', async () => {
    const api = await app();
    for (let i = 0; i < 10; i++) {
      expect(
        (await api.handle(apiEvent('GET', '/workspaces/current', { token: 'forged' }), lambdaContext)).statusCode,
      ).toBe(401);
    }
    expect((await api.handle(apiEvent('GET', '/workspaces/current', { token: 'ann' }), lambdaContext)).statusCode).toBe(
      200,
    );
  });
});

describe('per-connector webhook limits', () => {
  it('429 with Retry-After past the limit, the same for an unknown connector id', async () => {
    const api = await app();
    const post = (id: string) =>
      api.handle(apiEvent('POST', `/ingest/webhooks/${id}`, { body: '{"items":[]}' }), lambdaContext);
    const id = 'con_01jz0000000000000000000000';
    expect((await post(id)).statusCode).toBe(400);
    expect((await post(id)).statusCode).toBe(400);
    const refused = await post(id);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers?.['retry-after'])).toBeGreaterThan(0);
    // Another connector has its own budget.
    expect((await post('con_01jz1111111111111111111111')).statusCode).toBe(400);
  });
});
