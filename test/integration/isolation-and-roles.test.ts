import { beforeAll, describe, expect, inject, it } from 'vitest';
import { OTHER_TENANT_OWNER } from '../../local/seed.ts';
import type { Role } from '../../shared/domain/roles.ts';
import { call } from '../support/api.ts';
import { fillPath, ROUTES, routeKey, SAMPLE_BODIES, SAMPLE_QUERIES, TENANT_ROUTES } from '../support/route-catalog.ts';
import { DEMO, tokenFor } from '../support/sessions.ts';

const stack = inject('stack');
/** Tenant A: the Acme demo workspace. Tenant B: the separately seeded Globex workspace. */
const A: { tokens: Record<Role, string>; ids: Record<string, string>; secrets: string[] } = {
  tokens: {} as Record<Role, string>,
  ids: {},
  secrets: [],
};
let tokenB = '';

async function snapshotA() {
  const owner = A.tokens.owner;
  const [brand, promptSet, members, settings] = await Promise.all([
    call(stack.apiUrl, 'GET', `/brands/${A.ids.brandId}`, { token: owner }),
    call(stack.apiUrl, 'GET', `/brands/${A.ids.brandId}/prompt-set`, { token: owner }),
    call(stack.apiUrl, 'GET', '/members?limit=100', { token: owner }),
    call(stack.apiUrl, 'GET', `/brands/${A.ids.brandId}/run-settings`, { token: owner }),
  ]);
  return JSON.stringify([brand.json, promptSet.json, members.json, settings.json]);
}

beforeAll(async () => {
  for (const role of ['owner', 'admin', 'analyst', 'viewer'] as const) {
    const [email, password] = DEMO[role];
    A.tokens[role] = await tokenFor(stack.url, email, password);
  }
  tokenB = await tokenFor(stack.url, OTHER_TENANT_OWNER.email, OTHER_TENANT_OWNER.password);
  const brands = await call(stack.apiUrl, 'GET', '/brands', { token: A.tokens.owner });
  const acme = brands.json.items.find((b: { name: string }) => b.name === 'Acme Analytics');
  const members = await call(stack.apiUrl, 'GET', '/members', { token: A.tokens.owner });
  // A finished run of A's brand, so run and answer routes have real A ids to try.
  const started = await call(stack.apiUrl, 'POST', `/brands/${acme.id}/runs`, { token: A.tokens.owner });
  let runId = started.json.runId ?? started.json.error?.details?.runId;
  for (let i = 0; i < 240; i++) {
    const run = await call(stack.apiUrl, 'GET', `/runs/${runId}`, { token: A.tokens.owner });
    if (['succeeded', 'partial', 'failed', 'cancelled'].includes(run.json.status)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const items = await call(stack.apiUrl, 'GET', `/runs/${runId}/items?limit=1&status=succeeded`, {
    token: A.tokens.owner,
  });
  runId = String(runId);
  A.ids = {
    brandId: acme.id,
    userId: members.json.items[0].userId,
    version: '1',
    runId,
    answerId: items.json.items[0].answerId,
  };
  A.secrets = [
    stack.demoTenantId,
    acme.id,
    'Acme Analytics',
    A.ids.runId ?? '',
    ...members.json.items.map((m: { email: string }) => m.email),
  ];
});

describe('route catalogue', () => {
  it('has a sample body for every route that takes one, and an access rule for every route', () => {
    for (const route of ROUTES) {
      if (route.docs?.body || route.docs?.bodyMediaType)
        expect(SAMPLE_BODIES[routeKey(route)], routeKey(route)).toBeDefined();
      expect(['public', 'authenticated', 'tenant']).toContain(route.access.kind);
    }
    expect(TENANT_ROUTES.length).toBeGreaterThanOrEqual(20);
  });
});

describe('tenant isolation: workspace B using workspace A ids', () => {
  it("never reads or changes A's data through any tenant route", async () => {
    const before = await snapshotA();
    let checked = 0;
    for (const route of TENANT_ROUTES) {
      const sample = SAMPLE_BODIES[routeKey(route)];
      const hasParams = route.path.includes(':');
      const request = {
        token: tokenB,
        ...(sample
          ? typeof sample.body === 'string'
            ? { rawBody: sample.body, contentType: sample.contentType }
            : { body: sample.body }
          : {}),
        headers: { 'if-match': '"1"', 'x-tenant-id': stack.demoTenantId },
      };
      const query = SAMPLE_QUERIES[routeKey(route)];
      const path = `${fillPath(route.path, A.ids)}${query ? `?${query}` : ''}`;
      // Once plainly, once with A's tenant named in the query string: neither may reach A.
      for (const target of [path, `${path}${query ? '&' : '?'}tenantId=${stack.demoTenantId}`]) {
        const res = await call(stack.apiUrl, route.method, target, request);
        const text = JSON.stringify(res.json);
        for (const secret of A.secrets) expect(text, `${routeKey(route)} leaked ${secret}`).not.toContain(secret);
        expect(res.status, `${route.method} ${target} → ${res.status} ${text}`).toBeLessThan(500);
        if (hasParams && target === path) expect(res.status, `${routeKey(route)} → ${res.status} ${text}`).toBe(404);
      }
      checked++;
    }
    expect(checked).toBe(TENANT_ROUTES.length);
    expect(await snapshotA()).toBe(before);
    console.log(`isolation: ${checked} tenant-scoped routes checked with another tenant's ids`);
  });

  it('ignores or refuses tenant, role and ownership fields in bodies (mass assignment)', async () => {
    const smuggled = {
      tenantId: stack.demoTenantId,
      role: 'owner',
      createdBy: 'someone',
      version: 99,
      id: A.ids.brandId,
    };
    const brand = await call(stack.apiUrl, 'POST', '/brands', {
      token: tokenB,
      body: { name: 'Smuggler', category: 'Sample category', ...smuggled },
    });
    expect(brand.status).toBe(400);
    expect(brand.json.error.details.map((d: { message: string }) => d.message).join(' ')).toMatch(
      /tenantId|Unrecognized/i,
    );
    const prompt = await call(stack.apiUrl, 'PUT', `/brands/${A.ids.brandId}/prompt-set`, {
      token: A.tokens.analyst,
      body: { prompts: [{ text: 'A perfectly valid sample prompt', tenantId: 'ws_01aaaaaaaaaaaaaaaaaaaaaaaa' }] },
      headers: { 'if-match': '"999"' },
    });
    expect(prompt.status).toBe(400);
  });
});

describe('role matrix: every tenant route × every role', () => {
  it('allows exactly the roles each route declares', async () => {
    const before = await snapshotA();
    const rows: string[] = [];
    for (const route of TENANT_ROUTES) {
      if (route.access.kind !== 'tenant') continue;
      const allowed = route.access.roles;
      for (const role of ['owner', 'admin', 'analyst', 'viewer'] as const) {
        // Allowed calls are made harmless after the role check: a stale If-Match, an unknown member, or an
        // invalid body, so the matrix never changes the demo workspace.
        const ids = {
          ...A.ids,
          userId: 'no-such-user',
          brandId: 'brd_00000000000000000000000000',
          runId: 'run_00000000000000000000000000',
          answerId: 'run_00000000000000000000000000.none',
        };
        const res = await call(stack.apiUrl, route.method, fillPath(route.path, ids), {
          token: A.tokens[role],
          ...(route.method === 'GET' ? {} : { body: { invalid: true } }),
          headers: { 'if-match': '"999"' },
        });
        const denied = res.status === 403 && res.json?.error?.code === 'role_not_allowed';
        expect(denied, `${role} ${routeKey(route)} → ${res.status}`).toBe(!allowed.includes(role));
        expect(res.status, `${role} ${routeKey(route)}`).toBeLessThan(500);
        rows.push(`${role}:${denied ? 'deny' : 'allow'}`);
      }
    }
    expect(await snapshotA()).toBe(before);
    console.log(`role matrix: ${TENANT_ROUTES.length} routes × 4 roles = ${rows.length} checks`);
  });
});
