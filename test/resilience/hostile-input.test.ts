import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  assertOutboundUrlAllowed,
  OutboundUrlRefusedError,
  outboundRequest,
  STRICT_OUTBOUND_POLICY,
} from '../../functions/adapters/http/outbound-url-guard.ts';
import { buildOpenApiDocument } from '../../functions/handlers/api/openapi.ts';
import type { RouteDefinition } from '../../functions/handlers/api/routes.ts';
import { ErrorResponseSchema } from '../../shared/contracts/errors.ts';
import { call } from '../support/api.ts';
import { freshAccount, ownerOfNewWorkspace } from '../support/sessions.ts';
import {
  fingerprintDiff,
  settledFingerprint,
  type TenantFingerprint,
  tenantFingerprint,
} from './support/fingerprint.ts';
import { record } from './support/ledger.ts';
import { pathParams, ROUTES, routeKey, SAMPLE_BODY_OF, sampleRequest, urlOf } from './support/routes.ts';
import { pool, type TenantWorld, twoTenants } from './support/world.ts';

const stack = inject('stack');
const endpoints = { dynamodb: stack.dynamodbEndpoint, s3: stack.s3Endpoint };
/** Property runs per route and input kind (body, query, path); the bench raises it. */
const RUNS = Number(process.env.RESILIENCE_FUZZ_RUNS ?? 12);
let a: TenantWorld;
let b: TenantWorld;
/** A workspace of its own for the fuzzing (so a stored input cannot hide among other tests' writes). */
let fuzz: { token: string; tenantId: string; ids: Record<string, string> };
let tried = 0;

beforeAll(async () => {
  ({ a, b } = await twoTenants(stack));
  const account = await freshAccount(stack, 'hostile');
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Hostile Inc');
  const brand = await call(stack.apiUrl, 'POST', '/brands', {
    token: owner.token,
    body: { name: 'Hostile Target', category: 'Fuzzing', competitors: [{ name: 'Other Target' }] },
  });
  await call(stack.apiUrl, 'PUT', `/brands/${brand.json.id}/prompt-set`, {
    token: owner.token,
    headers: { 'if-match': '"0"' },
    body: { prompts: [{ text: 'Which fuzzing tool is best?' }] },
  });
  const members = await call(stack.apiUrl, 'GET', '/members', { token: owner.token });
  fuzz = {
    token: owner.token,
    tenantId: owner.tenantId,
    ids: { ...a.ids, brandId: brand.json.id, userId: members.json.items[0].userId, version: '1' },
  };
});

afterAll(() => {
  record({
    kind: 'input',
    name: 'hostile inputs (fuzzed bodies, queries, paths; oversize; pagination; SSRF)',
    count: tried,
    lost: 0,
  });
});

/** Strings that have broken parsers, routers and key builders elsewhere. */
const NASTY = [
  '',
  ' ',
  '../../etc/passwd',
  '..%2f..%2f',
  '%00',
  '\u0000',
  '#',
  'ws_00000000000000000000000000#BRAND',
  '__proto__',
  'constructor',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection payload, literally
  '${jndi:ldap://x}',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '𝕏'.repeat(50),
  'a'.repeat(5000),
  '-1',
  '1e309',
  'NaN',
  'null',
  '[]',
  '{}',
];
const nastyString = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 64, unit: 'grapheme' }), fc.string());

async function expectCleanRefusalOrRead(route: RouteDefinition, res: Awaited<ReturnType<typeof call>>, what: string) {
  tried++;
  expect(res.status, `${what} → ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) expect(ErrorResponseSchema.safeParse(res.json).success, `${what} error body`).toBe(true);
  const text = JSON.stringify(res.json);
  for (const secret of [...a.secrets, ...b.secrets]) expect(text, `${what} leaked ${secret}`).not.toContain(secret);
  expect(route).toBeDefined();
}

describe('property-based fuzzing of every route (discovered): body, query and path', () => {
  let before: TenantFingerprint[];
  beforeAll(async () => {
    before = await Promise.all([fuzz.tenantId, a.tenantId, b.tenantId].map((t) => settledFingerprint(endpoints, t)));
  });
  afterAll(async () => {
    const after = await Promise.all(
      [fuzz.tenantId, a.tenantId, b.tenantId].map((t) => tenantFingerprint(endpoints, t)),
    );
    after.forEach((fp, i) => {
      const was = before[i] as TenantFingerprint;
      expect(fp.hash, `a fuzzed request stored something:\n${fingerprintDiff(was, fp)}`).toBe(was.hash);
    });
  });

  const tenantOrAuthed = ROUTES.filter((r) => r.access.kind !== 'public');

  // Routes that take a body (a route without one ignores it: e.g. "Run now" or "generate actions" run regardless).
  it.each(
    tenantOrAuthed
      .filter((r) => r.method !== 'GET' && (r.docs?.body || r.docs?.bodyMediaType))
      .map((r) => [routeKey(r), r] as const),
  )('body of %s', async (_key, route) => {
    const schema = route.docs?.body;
    const sample = SAMPLE_BODY_OF(route);
    const text = route.docs?.bodyMediaType && !/json/.test(route.docs.bodyMediaType);
    const bodies = text
      ? fc.oneof(
          fc.string(),
          fc.constantFrom(...NASTY),
          fc.string().map((s) => `text,topic\n"${s}\n`),
        )
      : fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.constantFrom(...NASTY).map((s) => ({ __proto__: { isAdmin: true }, constructor: { prototype: s } })),
          sample && typeof sample === 'object'
            ? fc
                .tuple(
                  fc.constantFrom(...Object.keys(sample as object), '__proto__', 'tenantId'),
                  fc.jsonValue(),
                  nastyString,
                )
                .map(([key, value, s]) => ({
                  ...(sample as object),
                  [key]: fc.sample(fc.constant(value), 1)[0] ?? s,
                }))
            : fc.jsonValue(),
        );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        // A body that happens to be valid may legitimately be stored: only invalid ones are the property.
        if (!text) fc.pre(!(schema?.safeParse(body).success ?? false));
        const res = await call(stack.apiUrl, route.method, urlOf(route, fuzz.ids), {
          token: fuzz.token,
          ...(text
            ? { rawBody: String(body), contentType: route.docs?.bodyMediaType ?? 'text/plain' }
            : { rawBody: JSON.stringify(body) }),
          // A stale version: even a valid text body (CSV) cannot be saved over the current version.
          headers: { 'if-match': '"999999"' },
        });
        await expectCleanRefusalOrRead(route, res, `${routeKey(route)} body ${JSON.stringify(body).slice(0, 120)}`);
        if (!text) expect(res.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: RUNS, seed: 20261125 },
    );
  });

  it.each(tenantOrAuthed.filter((r) => r.method === 'GET').map((r) => [routeKey(r), r] as const))(
    'query of %s',
    async (_key, route) => {
      const keys = [...Object.keys(route.docs?.query?.shape ?? {}), 'limit', 'cursor', 'tenantId', 'format'];
      const queries = fc.dictionary(fc.constantFrom(...keys), nastyString, { maxKeys: 4 });
      await fc.assert(
        fc.asyncProperty(queries, async (query) => {
          const qs = new URLSearchParams(query).toString();
          const res = await call(stack.apiUrl, 'GET', `${urlOf(route, fuzz.ids).split('?')[0]}?${qs}`, {
            token: fuzz.token,
          });
          await expectCleanRefusalOrRead(route, res, `${routeKey(route)} ?${qs.slice(0, 120)}`);
        }),
        { numRuns: RUNS, seed: 20261125 },
      );
    },
  );

  it.each(tenantOrAuthed.filter((r) => pathParams(r).length > 0).map((r) => [routeKey(r), r] as const))(
    'path of %s',
    async (_key, route) => {
      const params = pathParams(route);
      const ids = fc.record(
        Object.fromEntries(params.map((p) => [p, nastyString])) as Record<string, fc.Arbitrary<string>>,
      );
      await fc.assert(
        fc.asyncProperty(ids, async (values) => {
          const sample = sampleRequest(route);
          const res = await call(stack.apiUrl, route.method, urlOf(route, { ...fuzz.ids, ...values }), {
            token: fuzz.token,
            ...(sample.rawBody !== undefined
              ? { rawBody: sample.rawBody, contentType: sample.contentType }
              : sample.body !== undefined
                ? { body: sample.body }
                : {}),
            headers: { 'if-match': '"999999"' },
          });
          await expectCleanRefusalOrRead(route, res, `${routeKey(route)} path ${JSON.stringify(values).slice(0, 120)}`);
          // A fuzzed id is never a real one: nothing to find, and never a success on a write.
          if (route.method !== 'GET') expect(res.status).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: RUNS, seed: 20261125 },
      );
    },
  );
});

describe('oversized and malformed requests', () => {
  it('refuses an oversized body on every route that takes one with 413, and the gateway stays up', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(7 * 1024 * 1024) });
    const writable = ROUTES.filter(
      (r) => r.method !== 'GET' && r.access.kind !== 'public' && (r.docs?.body || r.docs?.bodyMediaType),
    );
    for (const route of writable) {
      const res = await call(stack.apiUrl, route.method, urlOf(route, fuzz.ids), {
        token: fuzz.token,
        rawBody: big,
        contentType: route.docs?.bodyMediaType ?? 'application/json',
        headers: { 'if-match': '"999999"' },
      });
      tried++;
      expect(res.status, `${routeKey(route)} ${JSON.stringify(res.json).slice(0, 200)}`).toBe(413);
    }
    expect((await call(stack.apiUrl, 'GET', '/health')).status).toBe(200);
  });

  it('refuses oversized headers, URLs and query strings with a 4xx and keeps serving', async () => {
    const attempts: [string, () => Promise<number>][] = [
      [
        'a 64 KB header',
        async () => (await fetch(`${stack.apiUrl}/health`, { headers: { 'x-big': 'y'.repeat(64 * 1024) } })).status,
      ],
      [
        'a 64 KB authorization header',
        async () => (await call(stack.apiUrl, 'GET', '/brands', { token: 'z'.repeat(64 * 1024) })).status,
      ],
      [
        'a 100 KB query string',
        async () =>
          (await call(stack.apiUrl, 'GET', `/brands?limit=${'9'.repeat(100 * 1024)}`, { token: fuzz.token })).status,
      ],
      [
        '5,000 query parameters',
        async () =>
          (
            await call(stack.apiUrl, 'GET', `/brands?${Array.from({ length: 5000 }, (_, i) => `p${i}=1`).join('&')}`, {
              token: fuzz.token,
            })
          ).status,
      ],
      [
        'JSON nested 100,000 deep',
        async () =>
          (
            await call(stack.apiUrl, 'POST', '/brands', {
              token: fuzz.token,
              rawBody: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
            })
          ).status,
      ],
      [
        'invalid UTF-8 bytes',
        async () =>
          (
            await fetch(`${stack.apiUrl}/brands`, {
              method: 'POST',
              headers: { authorization: `Bearer ${fuzz.token}`, 'content-type': 'application/json' },
              body: Buffer.from([0x7b, 0xff, 0xfe, 0x22, 0x7d]),
            })
          ).status,
      ],
      [
        'a JSON body sent as text/plain',
        async () =>
          (
            await call(stack.apiUrl, 'POST', '/brands', {
              token: fuzz.token,
              rawBody: '{"name":"x"}',
              contentType: 'text/plain',
            })
          ).status,
      ],
    ];
    for (const [label, attempt] of attempts) {
      const status = await attempt();
      tried++;
      expect(status, label).toBeGreaterThanOrEqual(400);
      expect(status, label).toBeLessThan(500);
    }
    expect((await call(stack.apiUrl, 'GET', '/health')).status).toBe(200);
  });
});

describe('pagination abuse on every paginated route (discovered)', () => {
  const paginated = ROUTES.filter(
    (r) => r.method === 'GET' && r.access.kind === 'tenant' && r.docs?.query && 'cursor' in (r.docs.query.shape ?? {}),
  );

  it('refuses huge, negative and non-numeric limits and forged cursors with 400', async () => {
    expect(paginated.length).toBeGreaterThan(3);
    const forged = (pk: string) => Buffer.from(JSON.stringify({ pk, sk: 'BRAND#' })).toString('base64url');
    const abuses = [
      'limit=1000000',
      'limit=0',
      'limit=-1',
      'limit=1.5',
      'limit=abc',
      'limit=1e3',
      'cursor=not-a-cursor',
      `cursor=${'A'.repeat(4096)}`,
      `cursor=${forged(`${a.tenantId}#BRAND`)}`,
      `cursor=${forged(`${a.tenantId}#AUDIT`)}`,
      `cursor=${Buffer.from('{"pk":{"S":"x"}}').toString('base64url')}`,
    ];
    const results = await pool(
      paginated.flatMap((route) =>
        abuses
          // A value the route's own contract accepts (e.g. limit=1e3 where pages go up to 5,000) is not abuse there.
          .filter((abuse) => {
            const [key, value] = abuse.split('=') as [string, string];
            if (key !== 'limit') return true;
            const sample = Object.fromEntries(new URLSearchParams(sampleRequest(route).query));
            return !(route.docs?.query?.safeParse({ ...sample, limit: value }).success ?? false);
          })
          .map((abuse) => async () => {
            const res = await call(stack.apiUrl, 'GET', urlOf(route, b.ids, abuse), { token: b.tokens.owner });
            tried++;
            const text = JSON.stringify(res.json);
            // A route whose path names a resource this tenant does not have answers 404 before reading the query.
            const unknownId = pathParams(route).some((p) => !(p in b.ids));
            const refused = res.status === 400 || (unknownId && res.status === 404);
            return {
              key: `${routeKey(route)}?${abuse.slice(0, 60)}`,
              status: refused ? 400 : res.status,
              leak: a.secrets.some((s) => text.includes(s)),
            };
          }),
      ),
      8,
    );
    const bad = results.filter((r) => r.status !== 400 || r.leak);
    expect(bad, JSON.stringify(bad.slice(0, 10))).toEqual([]);
  });

  it("refuses another tenant's real cursor with 400 and never returns that tenant's data", async () => {
    let checked = 0;
    for (const route of paginated) {
      // A real next-page cursor of tenant A on this route (when A has more than one item there).
      const page = await call(stack.apiUrl, 'GET', urlOf(route, a.ids, 'limit=1'), { token: a.tokens.owner });
      const cursor = page.json?.nextCursor;
      if (!cursor) continue;
      const res = await call(stack.apiUrl, 'GET', urlOf(route, b.ids, `limit=1&cursor=${encodeURIComponent(cursor)}`), {
        token: b.tokens.owner,
      });
      tried++;
      const text = JSON.stringify(res.json);
      for (const secret of a.secrets) expect(text, `${routeKey(route)} leaked ${secret}`).not.toContain(secret);
      expect(res.status, `${routeKey(route)} ${text.slice(0, 200)}`).toBe(400);
      // And A's own cursor still works for A.
      const own = await call(stack.apiUrl, 'GET', urlOf(route, a.ids, `limit=1&cursor=${encodeURIComponent(cursor)}`), {
        token: a.tokens.owner,
      });
      expect(own.status).toBe(200);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });
});

describe('SSRF: every URL a tenant can set', () => {
  /** Targets that must never be reachable from a tenant-set URL (loopback forms are tested under the strict policy). */
  const INTERNAL = [
    'https://10.0.0.1/hook',
    'https://172.16.5.4/hook',
    'https://192.168.1.1/hook',
    'https://169.254.169.254/latest/meta-data/',
    'http://169.254.169.254/latest/meta-data/',
    'https://[fd00::1]/hook',
    'https://[fe80::1]/hook',
    'https://[::ffff:10.0.0.1]/hook',
    'https://[::ffff:169.254.169.254]/hook',
    'https://[64:ff9b::a9fe:a9fe]/hook',
    'https://2852039166/latest',
    'https://0251.0376.0251.0376/latest',
    'https://0xa9.0xfe.0xa9.0xfe/latest',
    'https://167772161/hook',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://user:pass@example.com/hook',
    'ftp://example.com/feed',
    'file:///etc/passwd',
    'gopher://127.0.0.1:6379/_INFO',
    'https://internal.resilience.test/hook',
    'https://rebind.resilience.test/hook',
  ];
  const LOOPBACK = [
    'https://127.0.0.1/hook',
    'https://[::1]/hook',
    'https://2130706433/',
    'https://0177.0.0.1/',
    'https://[::ffff:127.0.0.1]/',
    'https://localhost/',
  ];
  /** Names that resolve to private addresses (a resolver stands in for DNS, which the sandbox may not have). */
  const resolver = async (host: string) => {
    if (host === 'internal.resilience.test') return [{ address: '10.1.2.3', family: 4 }];
    if (host === 'rebind.resilience.test')
      return [
        { address: '93.184.216.34', family: 4 },
        { address: '::ffff:127.0.0.1', family: 6 },
      ];
    if (host === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
    if (host === 'example.com') return [{ address: '93.184.216.34', family: 4 }];
    throw new Error(`no such host ${host}`);
  };

  it('the outbound guard refuses every internal target, numeric forms and names resolving inward (strict policy)', async () => {
    for (const url of [...INTERNAL, ...LOOPBACK]) {
      await expect(assertOutboundUrlAllowed(url, STRICT_OUTBOUND_POLICY, resolver), url).rejects.toBeInstanceOf(
        OutboundUrlRefusedError,
      );
      tried++;
    }
    // Control: a public https URL passes.
    await expect(
      assertOutboundUrlAllowed('https://example.com/hook', STRICT_OUTBOUND_POLICY, resolver),
    ).resolves.toBeInstanceOf(URL);
  });

  it('never follows a redirect from an allowed URL to an internal one', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(outboundRequest(`http://127.0.0.1:${port}/`, {}, { allowLoopback: true })).rejects.toMatchObject({
        reason: 'redirect_not_followed',
      });
      tried++;
    } finally {
      server.close();
    }
  });

  /** URL-valued fields of request bodies, found in the OpenAPI document (format uri, or a url-like name). */
  function urlFields(): { route: RouteDefinition; path: string[] }[] {
    const doc = buildOpenApiDocument(ROUTES, 'resilience') as unknown as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>>;
      components?: { schemas?: Record<string, unknown> };
    };
    const found: { route: RouteDefinition; path: string[] }[] = [];
    const deref = (schema: unknown): Record<string, unknown> => {
      const s = (schema ?? {}) as Record<string, unknown>;
      const ref = s.$ref as string | undefined;
      return ref ? ((doc.components?.schemas?.[ref.split('/').pop() ?? ''] as Record<string, unknown>) ?? {}) : s;
    };
    const walk = (route: RouteDefinition, schema: unknown, path: string[], depth: number) => {
      const s = deref(schema);
      if (depth > 6) return;
      for (const variant of [...((s.anyOf ?? s.oneOf ?? s.allOf ?? []) as unknown[])])
        walk(route, variant, path, depth + 1);
      if (s.type === 'string' && (s.format === 'uri' || /url|endpoint|webhook|feed|callback/i.test(path.at(-1) ?? '')))
        found.push({ route, path });
      for (const [key, child] of Object.entries((s.properties ?? {}) as Record<string, unknown>))
        walk(route, child, [...path, key], depth + 1);
    };
    for (const route of ROUTES.filter((r) => r.docs?.body && r.method !== 'GET')) {
      const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[openApiPath]?.[route.method.toLowerCase()];
      walk(route, op?.requestBody?.content?.['application/json']?.schema, [], 0);
    }
    return found;
  }

  it('every URL field of every route refuses internal targets with a 4xx and stores nothing', async () => {
    const fields = urlFields();
    const set = (body: unknown, path: string[], value: string): unknown => {
      if (path.length === 0) return value;
      const [head, ...rest] = path as [string, ...string[]];
      const base = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
      return { ...base, [head]: set(base[head], rest, value) };
    };
    const before = await settledFingerprint(endpoints, fuzz.tenantId);
    for (const { route, path } of fields) {
      for (const url of INTERNAL) {
        const res = await call(stack.apiUrl, route.method, urlOf(route, fuzz.ids), {
          token: fuzz.token,
          body: set(SAMPLE_BODY_OF(route), path, url),
          headers: { 'if-match': '"1"' },
        });
        tried++;
        expect(res.status, `${routeKey(route)} ${path.join('.')}=${url} → ${res.status}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
    }
    const after = await tenantFingerprint(endpoints, fuzz.tenantId);
    expect(after.hash, fingerprintDiff(before, after)).toBe(before.hash);
    console.log(
      `SSRF: ${fields.length} tenant-settable URL field(s) found: ${fields.map((f) => `${routeKey(f.route)} ${f.path.join('.')}`).join(', ') || 'none yet'}`,
    );
  });
});
