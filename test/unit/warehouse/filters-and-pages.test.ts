import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../../functions/adapters/warehouse/duckdb-warehouse.ts';
import { type PageKeyValue, pageKeyOf } from '../../../functions/adapters/warehouse/page-keys.ts';
import { sqlFor } from '../../../functions/adapters/warehouse/queries.ts';
import type { WarehouseScope } from '../../../shared/ports/warehouse.ts';
import { answerEvent, memoryLake, type SyntheticAnswer } from './lake-fixtures.ts';

const T = 'ws_01jzcccccccccccccccccccccc';
const B = 'brd_01jzcccccccccccccccccccccc';
const PERIOD: WarehouseScope = { tenantId: T, brandId: B, from: '2026-03-01', to: '2026-03-31' };

/** Every combination of the filter dimensions, over a few days and prompts, some mentioning the brand. */
const answers: SyntheticAnswer[] = [];
let i = 0;
for (const topicId of ['top_x', 'top_y', null])
  for (const setVersion of [1, 2])
    for (const branded of [false, true])
      for (const locale of ['en-US', 'de-DE'])
        for (const day of ['2026-03-02', '2026-03-09', '2026-03-16']) {
          i++;
          answers.push({
            tenantId: T,
            brandId: B,
            day,
            topicId,
            setVersion,
            branded,
            locale,
            promptId: `prm_${i % 7}`,
            brandRank: i % 3 === 0 ? null : 1,
            citations: [{ domain: `site${i % 11}.org`, class: 'third-party' }],
          });
        }

let warehouse: DuckDbWarehouse;
beforeAll(async () => {
  const lake = memoryLake();
  lake.put(answers.map(answerEvent));
  warehouse = await DuckDbWarehouse.create({ source: lake });
});
afterAll(() => warehouse.close());

const total = async (scope: WarehouseScope) =>
  (await warehouse.query('trends', scope)).reduce((n, row) => n + row.answers, 0);

describe('warehouse filters (bound parameters, DuckDB)', () => {
  const cases: [string, Partial<WarehouseScope>, (a: SyntheticAnswer) => boolean][] = [
    ['no filter (answers without a topic included)', {}, () => true],
    ['topic', { topic: 'top_x' }, (a) => a.topicId === 'top_x'],
    ['prompt-set version', { promptSetVersion: 2 }, (a) => a.setVersion === 2],
    ['branded', { branded: true }, (a) => a.branded === true],
    ['non-branded', { branded: false }, (a) => a.branded === false],
    ['locale', { locale: 'de-DE' }, (a) => a.locale === 'de-DE'],
    [
      'all four together',
      { topic: 'top_y', promptSetVersion: 1, branded: false, locale: 'en-US' },
      (a) => a.topicId === 'top_y' && a.setVersion === 1 && a.branded === false && a.locale === 'en-US',
    ],
    ['a value nobody has', { locale: 'fr-FR' }, () => false],
  ];
  for (const [label, filter, keep] of cases) {
    it(`${label}: counts exactly the matching answers`, async () => {
      const expected = answers.filter(keep).length;
      expect(await total({ ...PERIOD, ...filter })).toBe(expected);
      const topics = await warehouse.query('topics', { ...PERIOD, ...filter });
      expect(topics.reduce((n, r) => n + r.answers, 0)).toBe(expected);
      const mentioned = answers.filter((a) => keep(a) && a.brandRank !== null).length;
      expect(topics.reduce((n, r) => n + r.brandMentioned, 0)).toBe(mentioned);
    });
  }

  it('treats filter values as data, never SQL', async () => {
    expect(await total({ ...PERIOD, locale: "en-US' OR '1'='1" })).toBe(0);
    expect(await total({ ...PERIOD, topic: "x') OR 1=1 --" })).toBe(0);
  });
});

describe('warehouse pages (keyset over a total order)', () => {
  it('pages in the query order add up to the unpaged rows, without gaps or repeats, for every query', async () => {
    for (const name of ['trends', 'competitors', 'topics', 'sources', 'prompts', 'matrix', 'answers'] as const) {
      const all = await warehouse.query(name, PERIOD);
      expect(all.length, name).toBeGreaterThan(2);
      const paged: typeof all = [];
      let after: PageKeyValue[] | undefined;
      for (;;) {
        const page = await warehouse.query(name, { ...PERIOD, page: { limit: 2, ...(after ? { after } : {}) } });
        paged.push(...page);
        const last = page.at(-1);
        if (page.length < 2 || !last) break;
        after = pageKeyOf(name, last);
      }
      expect(paged, name).toEqual(all);
    }
  });

  it('an unpaged top list keeps its cap; a page may go past it', async () => {
    const sources = await warehouse.query('sources', PERIOD);
    expect(sources.length).toBe(11);
    const after = pageKeyOf('sources', sources[9] as (typeof sources)[number]);
    expect(await warehouse.query('sources', { ...PERIOD, page: { limit: 5, after } })).toEqual(sources.slice(10));
  });

  it('binds the position as data and refuses one of another shape', async () => {
    const { sql, binds } = sqlFor('answers', {
      ...PERIOD,
      page: { limit: 3, after: ['2026-03-09', "x' OR 1=1 --", 'openai', 'api', 'run_1', 'prm_1'] },
    });
    expect(sql).not.toContain('OR 1=1');
    expect(binds).toContain("x' OR 1=1 --");
    expect(sql).not.toMatch(/OFFSET/);
    expect(() => sqlFor('answers', { ...PERIOD, page: { limit: 3, after: ['2026-03-09'] } })).toThrow(/position/);
    expect(() => sqlFor('topics', { ...PERIOD, page: { limit: 3, after: ['many', 0, ''] } })).toThrow(/position/);
  });
});

describe('keyset paging under concurrent inserts (DuckDB)', () => {
  it('shows every answer that existed at the first page exactly once while new answers land before and after the position', async () => {
    const t = 'ws_01jzeeeeeeeeeeeeeeeeeeeeee';
    const scope: WarehouseScope = { tenantId: t, brandId: B, from: '2026-03-01', to: '2026-03-31' };
    const lake = memoryLake();
    const day = (d: number) => `2026-03-${String(d).padStart(2, '0')}`;
    lake.put(
      [2, 3, 4, 5, 6].flatMap((d) => [1, 2, 3].map(() => answerEvent({ tenantId: t, brandId: B, day: day(d) }))),
    );
    const live = await DuckDbWarehouse.create({ source: lake, refreshIntervalMs: 0 });
    try {
      const before = await live.query('answers', scope);
      expect(before).toHaveLength(15);
      const first = await live.query('answers', { ...scope, page: { limit: 5 } });
      const after = pageKeyOf('answers', first.at(-1) as (typeof first)[number]);

      // Meanwhile: newer answers (they sort first, before the position) and older ones (after it).
      lake.put([
        answerEvent({ tenantId: t, brandId: B, day: day(20) }),
        answerEvent({ tenantId: t, brandId: B, day: day(21) }),
      ]);
      lake.put([answerEvent({ tenantId: t, brandId: B, day: day(1) })]);
      const now = await live.query('answers', scope);
      expect(now).toHaveLength(18);
      // OFFSET 5 would now repeat two rows of the first page: the inserts are where they hurt.
      const byOffset = now.slice(5, 10).map((r) => r.answerId);
      expect(byOffset.filter((id) => first.some((r) => r.answerId === id))).toHaveLength(2);

      const rest: typeof first = [];
      let position = after;
      for (;;) {
        const page = await live.query('answers', { ...scope, page: { limit: 5, after: position } });
        rest.push(...page);
        const last = page.at(-1);
        if (page.length < 5 || !last) break;
        position = pageKeyOf('answers', last);
      }
      const shown = [...first, ...rest].map((r) => r.answerId);
      expect(new Set(shown).size).toBe(shown.length);
      for (const row of before) expect(shown).toContain(row.answerId);
      // The older answer landed after the position, so it is shown; the newer ones, before it, are not.
      expect(shown).toHaveLength(16);
    } finally {
      await live.close();
    }
  });
});
