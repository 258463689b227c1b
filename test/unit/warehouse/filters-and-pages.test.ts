import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../../functions/adapters/warehouse/duckdb-warehouse.ts';
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

describe('warehouse pages', () => {
  it('pages in the query order add up to the unpaged rows, without gaps or repeats', async () => {
    const all = await warehouse.query('prompts', PERIOD);
    expect(all.length).toBeGreaterThan(10);
    const paged: typeof all = [];
    for (let offset = 0; ; offset += 4) {
      const page = await warehouse.query('prompts', { ...PERIOD, page: { limit: 4, offset } });
      paged.push(...page);
      if (page.length < 4) break;
    }
    expect(paged).toEqual(all);
  });

  it('an unpaged top list keeps its cap; a page may go past it', async () => {
    const sources = await warehouse.query('sources', PERIOD);
    expect(sources.length).toBe(11);
    expect(await warehouse.query('sources', { ...PERIOD, page: { limit: 5, offset: 10 } })).toEqual(sources.slice(10));
  });
});
