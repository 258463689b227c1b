import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { RouteDefinition } from '../../functions/handlers/api/routes.ts';
import { ROLES, type Role } from '../../shared/domain/roles.ts';
import { call } from '../support/api.ts';
import { fingerprintDiff, settledFingerprint, tenantFingerprint } from './support/fingerprint.ts';
import { record } from './support/ledger.ts';
import { pathParams, ROUTES, routeKey, sampleRequest, TENANT_ROUTES, urlOf } from './support/routes.ts';
import { pool, type TenantWorld, twoTenants } from './support/world.ts';

const stack = inject('stack');
const endpoints = { dynamodb: stack.dynamodbEndpoint, s3: stack.s3Endpoint };
/** At least this many requests in the generated barrage (the bar). */
const MIN_REQUESTS = Number(process.env.RESILIENCE_ISOLATION_REQUESTS ?? 10_000);
const CONCURRENCY = 32;
let a: TenantWorld;
let b: TenantWorld;

beforeAll(async () => {
  ({ a, b } = await twoTenants(stack));
});

interface Probe {
  label: string;
  route: RouteDefinition;
  token: string;
  ids: Record<string, string>;
  /** Tenant whose data must not appear in the answer. */
  victim: TenantWorld;
  expect: 'refused' | 'role_not_allowed';
}

const bodyOf = (route: RouteDefinition) => {
  const sample = sampleRequest(route);
  if (sample.rawBody !== undefined) return { rawBody: sample.rawBody, contentType: sample.contentType };
  return sample.body !== undefined ? { body: sample.body } : {};
};

/**
 * The generated probes of one round: every tenant route with a path parameter called with the other tenant's
 * ids (both directions, valid bodies and queries, tenant hints in query and header), every parameterless read
 * route called by the other tenant (its answer must hold none of the victim's data), and every tenant route
 * called by each role of A it does not allow.
 */
function probes(): Probe[] {
  const list: Probe[] = [];
  for (const route of TENANT_ROUTES) {
    const hasParams = pathParams(route).length > 0;
    if (hasParams) {
      list.push({ label: 'B with A ids', route, token: b.tokens.owner, ids: a.ids, victim: a, expect: 'refused' });
      list.push({ label: 'A with B ids', route, token: a.tokens.owner, ids: b.ids, victim: b, expect: 'refused' });
    } else if (route.method === 'GET') {
      list.push({ label: 'B reads its own list', route, token: b.tokens.owner, ids: {}, victim: a, expect: 'refused' });
    }
    if (route.access.kind !== 'tenant') continue;
    const allowed = route.access.roles;
    for (const role of ROLES.filter((r: Role) => !allowed.includes(r))) {
      const token = a.tokens[role];
      if (token) list.push({ label: `A ${role}`, route, token, ids: a.ids, victim: b, expect: 'role_not_allowed' });
    }
  }
  return list;
}

describe('authorization and isolation over every tenant route (discovered), two tenants, every role', () => {
  it(`no cross-tenant read or write and no role escalation over >= ${MIN_REQUESTS} concurrent requests`, async () => {
    const [beforeA, beforeB] = await Promise.all([
      settledFingerprint(endpoints, a.tenantId),
      settledFingerprint(endpoints, b.tenantId),
    ]);
    const round = probes();
    const rounds = Math.ceil(MIN_REQUESTS / round.length);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const tasks = Array.from({ length: rounds }, (_, i) => round.map((probe) => ({ probe, i }))).flat();
    const started = performance.now();
    await pool(
      tasks.map(({ probe, i }) => async () => {
        // Every other round names the victim tenant in the query string and a header: both must be ignored.
        const hint = i % 2 === 1 ? `tenantId=${probe.victim.tenantId}` : '';
        const res = await call(stack.apiUrl, probe.route.method, urlOf(probe.route, probe.ids, hint), {
          token: probe.token,
          ...bodyOf(probe.route),
          headers: { 'if-match': '"1"', ...(hint ? { 'x-tenant-id': probe.victim.tenantId } : {}) },
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = JSON.stringify(res.json);
        const where = `${probe.label}: ${routeKey(probe.route)} → ${res.status}`;
        for (const secret of probe.victim.secrets)
          if (text.includes(secret)) failures.push(`${where} leaked ${secret}`);
        if (res.status >= 500) failures.push(`${where} ${text.slice(0, 200)}`);
        const parameterless = pathParams(probe.route).length === 0;
        if (
          probe.expect === 'role_not_allowed' &&
          !(res.status === 403 && res.json?.error?.code === 'role_not_allowed')
        )
          failures.push(`${where} (expected role_not_allowed)`);
        if (probe.expect === 'refused' && !parameterless && (res.status < 400 || res.status >= 500))
          failures.push(`${where} (expected a 4xx)`);
      }),
      CONCURRENCY,
    );
    const seconds = (performance.now() - started) / 1000;
    const [afterA, afterB] = await Promise.all([
      tenantFingerprint(endpoints, a.tenantId),
      tenantFingerprint(endpoints, b.tenantId),
    ]);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(tasks.length).toBeGreaterThanOrEqual(MIN_REQUESTS);
    // Nothing stored in either tenant: not by the other tenant, not by a role that may not.
    expect(afterA.hash, `tenant A changed:\n${fingerprintDiff(beforeA, afterA)}`).toBe(beforeA.hash);
    expect(afterB.hash, `tenant B changed:\n${fingerprintDiff(beforeB, afterB)}`).toBe(beforeB.hash);
    const summary = [...statuses]
      .sort(([x], [y]) => x - y)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(
      `isolation: ${tasks.length} requests (${round.length} probes × ${rounds} rounds over ${TENANT_ROUTES.length} tenant routes) in ${seconds.toFixed(1)} s, ${(tasks.length / seconds).toFixed(0)} req/s; statuses ${summary}`,
    );
    record({
      kind: 'isolation',
      name: `cross-tenant and role-swapped requests over ${TENANT_ROUTES.length} tenant routes`,
      count: tasks.length,
      lost: failures.length,
      detail: summary,
    });
  });

  it('the control: the owner of each tenant reaches its own resources through the same routes', async () => {
    // Without this, a broken id would make every cross-tenant probe "refused" for the wrong reason.
    let reached = 0;
    for (const world of [a, b]) {
      for (const route of TENANT_ROUTES.filter((r) => r.method === 'GET' && pathParams(r).length > 0)) {
        const queryRequired = route.docs?.query ? !route.docs.query.safeParse({}).success : false;
        if (queryRequired && !sampleRequest(route).query) continue;
        if (pathParams(route).some((p) => !(p in world.ids))) continue;
        const res = await call(stack.apiUrl, 'GET', urlOf(route, world.ids), { token: world.tokens.owner });
        expect(res.status, `${routeKey(route)} ${JSON.stringify(res.json).slice(0, 200)}`).toBe(200);
        reached++;
      }
    }
    expect(reached).toBeGreaterThan(10);
  });
});

describe('mass assignment on every writable route (discovered): smuggled fields are refused or ignored', () => {
  const MARK = 'smuggled-7f3a';
  const smuggled = (other: TenantWorld) => ({
    tenantId: other.tenantId,
    id: `${MARK}-id`,
    createdBy: `${MARK}-creator`,
    ownerId: `${MARK}-owner`,
    userId: `${MARK}-user`,
    role: 'owner',
    plan: 'enterprise',
    version: 987654,
    createdAt: '1999-01-01T00:00:00.000Z',
  });
  /** Adds the smuggled fields at the top level and into every object one level down (arrays of items). */
  const withSmuggled = (body: unknown, extra: Record<string, unknown>): unknown => {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
    const out: Record<string, unknown> = { ...extra };
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      out[key] = Array.isArray(value) ? value.map((v) => (v && typeof v === 'object' ? { ...v, ...extra } : v)) : value;
    }
    return out;
  };

  it('stores none of them (checked in the responses, by reading back, and in every stored item of the tenant)', async () => {
    const writable = ROUTES.filter(
      (r) => r.method !== 'GET' && r.docs?.body && !r.docs.bodyMediaType && r.access.kind === 'tenant',
    );
    expect(writable.length).toBeGreaterThan(3);
    const extra = smuggled(a);
    const outcomes: string[] = [];
    for (const route of writable) {
      const url = urlOf(route, b.ids);
      // The version a real client would send, from the resource's own GET where there is one.
      const read = ROUTES.some((r) => r.method === 'GET' && r.path === route.path)
        ? await call(stack.apiUrl, 'GET', url, { token: b.tokens.owner })
        : null;
      const ifMatch = read?.headers.get('etag') ?? '"1"';
      const res = await call(stack.apiUrl, route.method, url, {
        token: b.tokens.owner,
        body: withSmuggled(sampleRequest(route).body, extra),
        headers: { 'if-match': ifMatch },
      });
      outcomes.push(`${routeKey(route)} → ${res.status}`);
      expect(res.status, `${routeKey(route)} ${JSON.stringify(res.json).slice(0, 300)}`).toBeLessThan(500);
      const text = JSON.stringify(res.json);
      expect(text).not.toContain(MARK);
      expect(text).not.toContain(a.tenantId);
      if (res.status < 300 && read) {
        const after = JSON.stringify((await call(stack.apiUrl, 'GET', url, { token: b.tokens.owner })).json);
        expect(after).not.toContain(MARK);
        expect(after).not.toContain('987654');
      }
    }
    // Every item tenant B has stored, whatever wrote it.
    const { DynamoDBDocumentClient, ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const { localDynamoClient } = await import('../../local/emulators/dynamodb.ts');
    const db = DynamoDBDocumentClient.from(localDynamoClient(stack.dynamodbEndpoint));
    const items =
      (
        await db.send(
          new ScanCommand({
            TableName: 'promptpulse-main',
            FilterExpression: 'begins_with(pk, :t)',
            ExpressionAttributeValues: { ':t': `${b.tenantId}#` },
          }),
        )
      ).Items ?? [];
    db.destroy();
    const stored = JSON.stringify(items);
    expect(stored).not.toContain(MARK);
    expect(stored).not.toContain(a.tenantId);
    expect(stored).not.toContain('1999-01-01T00:00:00.000Z');
    expect(items.some((i) => i.plan === 'enterprise')).toBe(false);
    console.log(`mass assignment: ${outcomes.join(', ')}`);
    record({
      kind: 'input',
      name: `mass assignment on ${writable.length} writable routes`,
      count: writable.length,
      lost: 0,
    });
  });
});
