import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../../functions/adapters/warehouse/duckdb-warehouse.ts';
import type { WarehouseScope } from '../../../shared/ports/warehouse.ts';
import { answerEvent, memoryLake } from './lake-fixtures.ts';

const T1 = 'ws_01jzaaaaaaaaaaaaaaaaaaaaaa';
const T2 = 'ws_01jzbbbbbbbbbbbbbbbbbbbbbb';
const B1 = 'brd_01jzaaaaaaaaaaaaaaaaaaaaaa';
const B2 = 'brd_01jzbbbbbbbbbbbbbbbbbbbbbb';
const JAN: WarehouseScope = { tenantId: T1, brandId: B1, from: '2026-01-01', to: '2026-01-31' };

let warehouse: DuckDbWarehouse | null = null;
afterEach(async () => {
  await warehouse?.close();
  warehouse = null;
});

function seededLake() {
  const lake = memoryLake();
  const first = answerEvent({
    tenantId: T1,
    brandId: B1,
    day: '2026-01-01',
    topicId: 'top_x',
    brandRank: 1,
    brandSentiment: 0.5,
    competitors: ['cmp_a'],
    citations: [
      { domain: 'acme.com', class: 'owned' },
      { domain: 'g2.com', class: 'third-party' },
    ],
  });
  lake.put(
    [
      first,
      answerEvent({
        tenantId: T1,
        brandId: B1,
        day: '2026-01-01',
        topicId: 'top_x',
        brandRank: null,
        competitors: ['cmp_a', 'cmp_b'],
        citations: [{ domain: 'g2.com', class: 'third-party' }],
      }),
      answerEvent({
        tenantId: T1,
        brandId: B1,
        day: '2026-01-01',
        provider: 'anthropic',
        surface: 'api_web_search',
        promptId: 'prm_2',
        brandRank: 3,
        brandSentiment: -0.5,
        citations: [{ domain: 'rival.com', class: 'competitor' }],
      }),
      // Another brand of the same tenant: never in B1's rows.
      answerEvent({ tenantId: T1, brandId: B2, day: '2026-01-01', brandRank: 1 }),
    ],
    'not json at all\n{"type":"promptpulse.answer.analyzed"}\n',
  );
  // A re-analysis lands in the lake again with the same id: counted once.
  lake.put([first]);
  lake.put([
    answerEvent({ tenantId: T1, brandId: B1, day: '2026-01-02', topicId: 'top_x', brandRank: 2, brandSentiment: 1 }),
  ]);
  lake.put([answerEvent({ tenantId: T1, brandId: B1, day: '2026-02-01', brandRank: 1 })]);
  // Another tenant with the very same brand id.
  lake.put([answerEvent({ tenantId: T2, brandId: B1, day: '2026-01-01', brandRank: 1, competitors: ['cmp_a'] })]);
  return lake;
}

describe('DuckDbWarehouse (named queries over gzip NDJSON lake files)', () => {
  it('trends by day × provider × surface: answers, brand mentioned, mean rank and sentiment', async () => {
    warehouse = await DuckDbWarehouse.create({ source: seededLake() });
    expect(await warehouse.query('trends', JAN)).toEqual([
      {
        day: '2026-01-01',
        provider: 'anthropic',
        surface: 'api_web_search',
        answers: 1,
        brandMentioned: 1,
        meanRank: 3,
        meanSentiment: -0.5,
      },
      {
        day: '2026-01-01',
        provider: 'openai',
        surface: 'api',
        answers: 2,
        brandMentioned: 1,
        meanRank: 1,
        meanSentiment: 0.5,
      },
      {
        day: '2026-01-02',
        provider: 'openai',
        surface: 'api',
        answers: 1,
        brandMentioned: 1,
        meanRank: 2,
        meanSentiment: 1,
      },
    ]);
    const openai = await warehouse.query('trends', { ...JAN, provider: 'openai' });
    expect(openai.map((r) => r.provider)).toEqual(['openai', 'openai']);
    expect(await warehouse.query('trends', { ...JAN, surface: 'api_web_search' })).toHaveLength(1);
    expect(await warehouse.query('trends', { ...JAN, from: '2026-01-02', to: '2026-01-02' })).toHaveLength(1);
  });

  it('competitor matrix: entity × provider with the provider’s answers as denominator, brand first', async () => {
    warehouse = await DuckDbWarehouse.create({ source: seededLake() });
    expect(await warehouse.query('competitors', JAN)).toEqual([
      { entityId: B1, kind: 'brand', provider: 'anthropic', answers: 1, mentioned: 1, mentions: 1 },
      { entityId: B1, kind: 'brand', provider: 'openai', answers: 3, mentioned: 2, mentions: 2 },
      { entityId: 'cmp_a', kind: 'competitor', provider: 'anthropic', answers: 1, mentioned: 0, mentions: 0 },
      { entityId: 'cmp_a', kind: 'competitor', provider: 'openai', answers: 3, mentioned: 2, mentions: 2 },
      { entityId: 'cmp_b', kind: 'competitor', provider: 'anthropic', answers: 1, mentioned: 0, mentions: 0 },
      { entityId: 'cmp_b', kind: 'competitor', provider: 'openai', answers: 3, mentioned: 1, mentions: 1 },
    ]);
  });

  it('topics, top cited domains with their class, and prompt-level history', async () => {
    warehouse = await DuckDbWarehouse.create({ source: seededLake() });
    expect(await warehouse.query('topics', JAN)).toEqual([
      { topicId: 'top_x', answers: 3, brandMentioned: 2, meanSentiment: 0.75 },
      { topicId: null, answers: 1, brandMentioned: 1, meanSentiment: -0.5 },
    ]);
    expect(await warehouse.query('sources', JAN)).toEqual([
      { domain: 'g2.com', class: 'third-party', citations: 2, answers: 2 },
      { domain: 'acme.com', class: 'owned', citations: 1, answers: 1 },
      { domain: 'rival.com', class: 'competitor', citations: 1, answers: 1 },
    ]);
    expect(await warehouse.query('prompts', JAN)).toEqual([
      { promptId: 'prm_1', day: '2026-01-01', answers: 2, brandMentioned: 1, mentionRate: 0.5 },
      { promptId: 'prm_1', day: '2026-01-02', answers: 1, brandMentioned: 1, mentionRate: 1 },
      { promptId: 'prm_2', day: '2026-01-01', answers: 1, brandMentioned: 1, mentionRate: 1 },
    ]);
  });

  it('scopes by tenant as a bound value: another tenant sees only its own rows, odd ids match nothing', async () => {
    warehouse = await DuckDbWarehouse.create({ source: seededLake() });
    const other = await warehouse.query('trends', { ...JAN, tenantId: T2 });
    expect(other).toEqual([
      {
        day: '2026-01-01',
        provider: 'openai',
        surface: 'api',
        answers: 1,
        brandMentioned: 1,
        meanRank: 1,
        meanSentiment: 0,
      },
    ]);
    expect(await warehouse.query('trends', { ...JAN, brandId: "x' OR '1'='1" })).toEqual([]);
    await expect(warehouse.query('trends', { ...JAN, tenantId: "ws_x' OR 1=1 --" })).rejects.toThrow(/tenant/);
    expect(await warehouse.query('sources', { ...JAN, tenantId: 'ws_01jzcccccccccccccccccccccc' })).toEqual([]);
  });

  it('refreshes incrementally by object key: only new files are read', async () => {
    const lake = seededLake();
    warehouse = await DuckDbWarehouse.create({ source: lake, refreshIntervalMs: 0 });
    const total = async () => (await warehouse?.query('trends', JAN))?.reduce((s, r) => s + r.answers, 0);
    expect(await total()).toBe(4);
    const readsAfterFirst = lake.reads;
    expect(await total()).toBe(4);
    expect(lake.reads).toBe(readsAfterFirst);
    lake.put([answerEvent({ tenantId: T1, brandId: B1, day: '2026-01-03', brandRank: null })]);
    expect(await total()).toBe(5);
    expect(lake.reads).toBe(readsAfterFirst + 1);
  });

  it('answers from the cached tables quickly (latency printed, not asserted)', async () => {
    const lake = memoryLake();
    const providers = ['openai', 'anthropic', 'gemini', 'perplexity'] as const;
    let events = 0;
    for (let d = 0; d < 90; d++) {
      const day = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      const batch = [];
      for (let i = 0; i < 120; i++) {
        batch.push(
          answerEvent({
            tenantId: T1,
            brandId: B1,
            day,
            provider: providers[i % 4],
            promptId: `prm_${i % 40}`,
            topicId: `top_${i % 5}`,
            brandRank: i % 3 === 0 ? null : 1 + (i % 4),
            brandSentiment: ((i % 7) - 3) / 3,
            competitors: i % 2 ? ['cmp_a'] : ['cmp_b'],
            citations: [{ domain: `site${i % 30}.com`, class: 'third-party' }],
          }),
        );
      }
      events += batch.length;
      lake.put(batch);
    }
    warehouse = await DuckDbWarehouse.create({ source: lake });
    const scope = { ...JAN, to: '2026-03-31' };
    let started = performance.now();
    await warehouse.query('topics', scope); // the first query loads the period
    const loadMs = performance.now() - started;
    const timings: string[] = [];
    for (const name of ['trends', 'competitors', 'topics', 'sources', 'prompts'] as const) {
      started = performance.now();
      await warehouse.query(name, scope);
      const cold = performance.now() - started;
      started = performance.now();
      const rows = await warehouse.query(name, scope);
      const warm = performance.now() - started;
      timings.push(`${name} ${cold.toFixed(1)}/${warm.toFixed(1)} ms (${rows.length} rows)`);
    }
    console.log(
      `warehouse: ${events} answers in 90 files loaded in ${loadMs.toFixed(0)} ms; first/second query: ${timings.join(', ')}`,
    );
    expect((await warehouse.query('trends', scope)).reduce((s, r) => s + r.answers, 0)).toBe(events);
  });
});

describe('DuckDbWarehouse.purgeTenant (workspace purge)', () => {
  it("deletes every row of the tenant and none of another's", async () => {
    warehouse = await DuckDbWarehouse.create({ source: seededLake() });
    const before = await warehouse.query('trends', JAN);
    expect(before.length).toBeGreaterThan(0);
    const other = { ...JAN, tenantId: T2, brandId: B2 };
    const otherBefore = await warehouse.query('trends', other);
    const removed = await warehouse.purgeTenant(T1);
    expect(removed).toBeGreaterThan(0);
    expect(await warehouse.query('trends', other)).toEqual(otherBefore);
    // Nothing left in any table for T1; a second purge removes nothing more.
    expect(await warehouse.purgeTenant(T1)).toBe(0);
  });
});
