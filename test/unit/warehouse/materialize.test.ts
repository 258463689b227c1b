import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../../functions/adapters/warehouse/duckdb-warehouse.ts';
import type { WarehouseScope } from '../../../shared/ports/warehouse.ts';
import { answerEvent, memoryLake, type SyntheticAnswer } from './lake-fixtures.ts';

const T1 = 'ws_01jzdddddddddddddddddddddd';
const T2 = 'ws_01jzeeeeeeeeeeeeeeeeeeeeee';
const B = 'brd_01jzdddddddddddddddddddddd';
const scope = (tenantId: string, extra: Partial<WarehouseScope> = {}): WarehouseScope => ({
  tenantId,
  brandId: B,
  from: '2026-04-01',
  to: '2026-04-30',
  ...extra,
});

function answersOn(tenantId: string, day: string, n: number): SyntheticAnswer[] {
  return Array.from({ length: n }, (_, i) => ({
    tenantId,
    brandId: B,
    day,
    provider: (['openai', 'anthropic'] as const)[i % 2],
    promptId: `prm_${i % 3}`,
    topicId: i % 2 ? 'top_x' : null,
    branded: i % 4 === 0,
    brandRank: i % 3 === 0 ? null : 1 + (i % 2),
    brandSentiment: i % 3 === 0 ? null : ((i % 5) - 2) / 2,
  }));
}

let warehouse: DuckDbWarehouse | null = null;
afterEach(async () => {
  await warehouse?.close();
  warehouse = null;
});

describe('materialization of the derived daily summary (DuckDB)', () => {
  it('trends and prompts answer the same before and after a refresh; later days still come from the raw answers', async () => {
    const lake = memoryLake();
    for (const day of ['2026-04-01', '2026-04-02', '2026-04-03']) {
      lake.put(answersOn(T1, day, 12).map(answerEvent));
      lake.put(answersOn(T2, day, 5).map(answerEvent));
    }
    warehouse = await DuckDbWarehouse.create({ source: lake, refreshIntervalMs: 0 });
    const read = async (tenantId: string, extra: Partial<WarehouseScope> = {}) => ({
      trends: await warehouse?.query('trends', scope(tenantId, extra)),
      prompts: await warehouse?.query('prompts', scope(tenantId, extra)),
    });
    const before = await read(T1);
    const beforeFiltered = await read(T1, { provider: 'openai', topic: 'top_x', branded: false });
    expect(before.trends?.reduce((n, r) => n + r.answers, 0)).toBe(36);

    // T2 was never queried: the job loads every tenant of the lake before it rebuilds.
    const report = await warehouse.materialize('2026-04-02');
    expect(report).toMatchObject({ throughDay: '2026-04-02', tenants: 2 });
    expect(report.summaryRows).toBeGreaterThan(0);
    expect(await read(T1)).toEqual(before);
    expect(await read(T1, { provider: 'openai', topic: 'top_x', branded: false })).toEqual(beforeFiltered);
    expect((await read(T2)).trends?.reduce((n, r) => n + r.answers, 0)).toBe(15);

    // A new day after the watermark shows at once (raw), and a refresh that covers it changes nothing.
    lake.put(answersOn(T1, '2026-04-04', 6).map(answerEvent));
    const withNewDay = await read(T1);
    expect(withNewDay.trends?.reduce((n, r) => n + r.answers, 0)).toBe(42);
    await warehouse.materialize('2026-04-04');
    expect(await read(T1)).toEqual(withNewDay);
  });

  it('reads a day the summary lacks from the raw answers, even below the watermark (history that lands late)', async () => {
    const lake = memoryLake();
    lake.put(answersOn(T1, '2026-04-10', 8).map(answerEvent));
    warehouse = await DuckDbWarehouse.create({ source: lake, refreshIntervalMs: 0 });
    await warehouse.materialize('2026-04-10');
    // Backdated answers of earlier days reach the lake after the refresh (seeded history, a replayed stream).
    for (const day of ['2026-04-01', '2026-04-02', '2026-04-03']) lake.put(answersOn(T1, day, 4).map(answerEvent));
    const days = async (name: 'trends' | 'prompts') =>
      [...new Set((await warehouse?.query(name, scope(T1)))?.map((r) => r.day))].sort();
    const expected = ['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-10'];
    expect(await days('trends')).toEqual(expected);
    expect(await days('prompts')).toEqual(expected);
    const total = (await warehouse.query('trends', scope(T1))).reduce((n, r) => n + r.answers, 0);
    expect(total).toBe(20);
  });
});
