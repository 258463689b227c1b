import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorResponseSchema } from '../../shared/contracts/errors.ts';
import { call } from '../support/api.ts';
import { fillPath, ROUTES, routeKey, SAMPLE_BODIES } from '../support/route-catalog.ts';
import { freshAccount, ownerOfNewWorkspace } from '../support/sessions.ts';

const stack = inject('stack');
let token = '';
let ids: Record<string, string> = {};

const latestAuditId = async () =>
  (await call(stack.apiUrl, 'GET', '/audit?limit=1', { token })).json.items[0]?.id ?? null;

beforeAll(async () => {
  const account = await freshAccount(stack, 'fuzz');
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Fuzz Works');
  token = owner.token;
  const brand = await call(stack.apiUrl, 'POST', '/brands', {
    token,
    body: { name: 'Fuzzable', category: 'Test tools', topics: [{ name: 'Edge cases' }] },
  });
  const members = await call(stack.apiUrl, 'GET', '/members', { token });
  ids = { brandId: brand.json.id, userId: members.json.items[0].userId, version: '1' };
});

/** Arbitrary JSON, and valid bodies with one field replaced by arbitrary JSON (closer to real mistakes). */
function bodies(sample: unknown) {
  const json = fc.jsonValue({ maxDepth: 3 });
  const mutated =
    sample && typeof sample === 'object' && !Array.isArray(sample) && Object.keys(sample).length > 0
      ? fc
          .tuple(fc.constantFrom(...Object.keys(sample)), json)
          .map(([key, value]) => ({ ...(sample as Record<string, unknown>), [key]: value }))
      : json;
  const extraKey = fc
    .tuple(fc.string({ minLength: 1, maxLength: 12 }), json)
    .map(([key, value]) => ({ ...(sample as Record<string, unknown>), [`x${key}`]: value }));
  return fc.oneof(json, mutated, extraKey);
}

describe('property: invalid bodies always get a 4xx JSON error and write nothing', () => {
  const jsonRoutes = ROUTES.filter((r) => r.docs?.body && r.method !== 'GET' && r.path !== '/workspaces');
  it.each(jsonRoutes.map((r) => [routeKey(r), r] as const))('%s', async (_key, route) => {
    const sample = SAMPLE_BODIES[routeKey(route)]?.body;
    const schema = route.docs?.body;
    await fc.assert(
      fc.asyncProperty(bodies(sample), async (body) => {
        const valid = schema?.safeParse(body).success ?? false;
        fc.pre(!valid);
        const before = await latestAuditId();
        const res = await call(stack.apiUrl, route.method, fillPath(route.path, ids), {
          token,
          body,
          headers: { 'if-match': '"1"' },
        });
        expect(res.status, JSON.stringify(res.json)).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(ErrorResponseSchema.safeParse(res.json).success, JSON.stringify(res.json)).toBe(true);
        expect(await latestAuditId()).toBe(before);
      }),
      { numRuns: 25, seed: 20261125 },
    );
  });
});
