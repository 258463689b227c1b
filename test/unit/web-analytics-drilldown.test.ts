import { describe, expect, it } from 'vitest';
import type { AnswerRefRow } from '../../shared/contracts/analytics.ts';
import type { Brand } from '../../shared/contracts/brands.ts';
import type { Answer } from '../../shared/contracts/runs.ts';
import type { TenantPrincipal } from '../../shared/domain/principal.ts';
import type { BrandRepository } from '../../shared/ports/brand-repository.ts';
import type { Warehouse, WarehouseScope } from '../../shared/ports/warehouse.ts';
import { encodeDrilldownCursor, promptDrilldown } from '../../shared/use-cases/drilldown.ts';

// The drill-down behind the Analytics dialog, over in-memory ports: the paging contract the web relies on.
const TENANT = 'ws_01aaaaaaaaaaaaaaaaaaaaaaaa';
const BRAND = 'brd_01aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_BRAND = 'brd_01bbbbbbbbbbbbbbbbbbbbbbbb';
const COMPETITOR = 'cmp_01aaaaaaaaaaaaaaaaaaaaaaaa';
const PROMPT = 'prm_01aaaaaaaaaaaaaaaaaaaaaaaa';
const RUN = (n: number) => `run_01aaaaaaaaaaaaaaaaaaaaaa${String(n).padStart(2, '0')}`;

const tenant = {
  tenantId: TENANT,
  role: 'viewer',
  userId: 'u1',
  email: null,
  claimedRole: 'viewer',
} as TenantPrincipal;

const brand: Brand = {
  id: BRAND,
  name: 'Acme Analytics',
  category: 'Product analytics',
  aliases: [],
  ownedDomains: ['acmeanalytics.com'],
  markets: [],
  competitors: [{ id: COMPETITOR, name: 'Northwind Insights', aliases: [], ownedDomains: ['northwind.io'] }],
  topics: [],
  promptSetVersion: 0,
  version: 1,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

function answer(id: string, text: string, overrides: Partial<Answer> = {}): Answer {
  return {
    answerId: id,
    runId: id.split('.')[0] ?? '',
    itemId: 'item',
    brandId: BRAND,
    promptId: PROMPT,
    promptText: 'Which analytics tool?',
    provider: 'openai',
    model: 'gpt-4.1-mini',
    modelVersion: null,
    surface: 'api',
    locale: 'en-US',
    sampleIndex: 0,
    text,
    citations: [{ url: 'https://northwind.io/pricing', title: 'Northwind pricing' }],
    latencyMs: 10,
    usage: { inputTokens: 1, outputTokens: 1 },
    costUsd: null,
    providerRequestId: null,
    analysisStatus: 'analyzed',
    analysis: null,
    createdAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

function setup(refs: AnswerRefRow[], answers: Answer[]) {
  const scopes: WarehouseScope[] = [];
  const warehouse: Warehouse = {
    async query(name, scope) {
      expect(name).toBe('answers');
      scopes.push(scope);
      return refs as never;
    },
  };
  const byId = new Map(answers.map((a) => [a.answerId, a]));
  const deps = {
    brands: {
      getBrand: async (t: string, id: string) => (t === TENANT && id === BRAND ? brand : null),
      getPromptSetVersion: async () => null,
    } as unknown as BrandRepository,
    runs: { getAnswer: async (t: string, id: string) => (t === TENANT ? (byId.get(id) ?? null) : null) },
    warehouse,
  };
  return { deps, scopes };
}

const ref = (n: number, day: string, sample = 0): AnswerRefRow => ({
  answerId: `${RUN(n)}.item-${sample}`,
  runId: RUN(n),
  promptId: PROMPT,
  day,
  provider: 'openai',
  surface: 'api',
});

describe('promptDrilldown', () => {
  const refs = [
    ref(1, '2026-11-18'),
    ref(3, '2026-11-20', 1),
    ref(2, '2026-11-19'),
    ref(3, '2026-11-20', 0),
    ref(1, '2026-11-18', 1),
  ];
  const answers = refs.map((r, i) =>
    answer(r.answerId, `Answer ${i}: Acme Analytics is solid, Northwind Insights is pricier.`),
  );

  it('pages newest day first (then answer id, descending) with a cursor that resumes exactly after the last item', async () => {
    const { deps, scopes } = setup(refs, answers);
    const request = { promptId: PROMPT, from: '2026-11-01', to: '2026-11-30', limit: 2, provider: 'openai' };
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await promptDrilldown(deps, tenant, BRAND, { ...request, ...(cursor ? { cursor } : {}) });
      expect(page.total).toBe(5);
      seen.push(...page.items.map((a) => a.answerId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([
      `${RUN(3)}.item-1`,
      `${RUN(3)}.item-0`,
      `${RUN(2)}.item-0`,
      `${RUN(1)}.item-1`,
      `${RUN(1)}.item-0`,
    ]);
    // The prompt and the slices reach the warehouse scope; the tenant comes from the principal.
    expect(scopes[0]).toMatchObject({ tenantId: TENANT, brandId: BRAND, promptId: PROMPT, provider: 'openai' });
  });

  it('returns mentions whose offsets match the text, sentiment per entity and classified citations', async () => {
    const { deps } = setup(refs, answers);
    const page = await promptDrilldown(deps, tenant, BRAND, {
      promptId: PROMPT,
      from: '2026-11-01',
      to: '2026-11-30',
      limit: 1,
    });
    const [item] = page.items;
    if (!item) throw new Error('no item');
    expect(item.mentions.map((m) => [m.text, m.kind])).toEqual([
      ['Acme Analytics', 'brand'],
      ['Northwind Insights', 'competitor'],
    ]);
    for (const m of item.mentions) expect(item.text.slice(m.start, m.end)).toBe(m.text);
    expect(item.entities.map((e) => [e.name, e.mentioned, e.rank])).toEqual([
      ['Acme Analytics', true, 1],
      ['Northwind Insights', true, 2],
    ]);
    expect(item.citations).toEqual([
      expect.objectContaining({ domain: 'northwind.io', class: 'competitor', entityId: COMPETITOR }),
    ]);
    expect(page.promptText).toBe('Which analytics tool?');
  });

  it('never shows an answer of another brand or prompt, whatever the index says', async () => {
    const stray = [
      answer(refs[0]?.answerId ?? '', 'Acme', { brandId: OTHER_BRAND }),
      answer(refs[1]?.answerId ?? '', 'Acme', { promptId: 'prm_01bbbbbbbbbbbbbbbbbbbbbbbb' }),
      ...answers.slice(2),
    ];
    const { deps } = setup(refs, stray);
    const page = await promptDrilldown(deps, tenant, BRAND, {
      promptId: PROMPT,
      from: '2026-11-01',
      to: '2026-11-30',
      limit: 25,
    });
    expect(page.items.map((a) => a.answerId).sort()).toEqual(
      answers
        .slice(2)
        .map((a) => a.answerId)
        .sort(),
    );
  });

  it('refuses malformed cursors with invalid_cursor and an unknown brand with brand_not_found', async () => {
    const { deps } = setup(refs, answers);
    const base = { promptId: PROMPT, from: '2026-11-01', to: '2026-11-30', limit: 2 };
    for (const cursor of ['%%%', btoa('yesterday|x'), btoa('2026-11-20|not-an-answer'), btoa('2026-11-20|a|b')]) {
      await expect(promptDrilldown(deps, tenant, BRAND, { ...base, cursor }), cursor).rejects.toMatchObject({
        code: 'invalid_cursor',
      });
    }
    // A well-formed cursor past the end is simply the end.
    const end = encodeDrilldownCursor({ day: '2000-01-01', answerId: `${RUN(1)}.x` });
    expect((await promptDrilldown(deps, tenant, BRAND, { ...base, cursor: end })).items).toEqual([]);
    await expect(promptDrilldown(deps, tenant, OTHER_BRAND, base)).rejects.toMatchObject({ code: 'brand_not_found' });
  });
});
