import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { coverHash, DuckDbWarehouse } from '../../../functions/adapters/warehouse/duckdb-warehouse.ts';
import type { WarehouseScope } from '../../../shared/ports/warehouse.ts';
import { answerEvent, memoryLake } from './lake-fixtures.ts';

const T = 'ws_01jzffffffffffffffffffffff';
const OTHER = 'ws_01jzgggggggggggggggggggggg';
const B = 'brd_01jzffffffffffffffffffffff';
const YEAR: WarehouseScope = { tenantId: T, brandId: B, from: '2026-01-01', to: '2026-12-31' };
const prefix = `tenants/${T}/events/type=promptpulse.answer.analyzed/`;

let warehouse: DuckDbWarehouse | null = null;
afterEach(async () => {
  await warehouse?.close();
  warehouse = null;
});

/** Three months, 6 answers a day in two files a day (a duplicate of the day's first answer in the second file). */
function quarterLake() {
  const lake = memoryLake();
  for (let d = 0; d < 90; d++) {
    const day = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    const events = Array.from({ length: 6 }, (_, i) =>
      answerEvent({
        tenantId: T,
        brandId: B,
        day,
        provider: i % 2 ? 'anthropic' : 'openai',
        brandRank: i % 3 ? 1 : null,
        competitors: ['cmp_a'],
        citations: [{ domain: `d${i}.com`, class: 'third-party' }],
      }),
    );
    lake.put(events.slice(0, 4));
    lake.put([...events.slice(4), events[0]]);
  }
  return lake;
}

const total = async (w: DuckDbWarehouse, scope: WarehouseScope) =>
  (await w.query('trends', scope)).reduce((n, r) => n + r.answers, 0);

describe('DuckDB warehouse, bounded by the period', () => {
  it('reads only the files of the days asked for, then only the new days of a wider period', async () => {
    const lake = quarterLake();
    warehouse = await DuckDbWarehouse.create({ source: lake });
    expect(await total(warehouse, { ...YEAR, from: '2026-02-01', to: '2026-02-07' })).toBe(42);
    expect(lake.reads).toBe(14); // 7 days × 2 files, nothing of January or March
    expect(await total(warehouse, { ...YEAR, from: '2026-02-01', to: '2026-02-28' })).toBe(168);
    expect(lake.reads).toBe(56);
    expect(await total(warehouse, YEAR)).toBe(540);
    expect(lake.reads).toBe(180);
    expect(warehouse.skipped(T)).toEqual({ duplicate: 90 });
  });

  it('compacts settled days to Parquet; a fresh process answers the same from Parquet without reading NDJSON', async () => {
    const lake = quarterLake();
    warehouse = await DuckDbWarehouse.create({ source: lake });
    const expected = {
      trends: await warehouse.query('trends', YEAR),
      competitors: await warehouse.query('competitors', YEAR),
      sources: await warehouse.query('sources', YEAR),
      answers: await warehouse.query('answers', { ...YEAR, from: '2026-03-01' }),
    };
    await warehouse.compactTenant(T, '2026-03-29');
    await warehouse.close();
    const parquet = lake.keys().filter((k) => k.endsWith('.parquet'));
    // January and February as month segments, March (still in progress on the 29th) as 29 day segments.
    expect(parquet).toHaveLength((2 + 29) * 3);
    const january = lake.keys().filter((k) => k.includes('/dt=2026-01-') && k.endsWith('.json.gz'));
    expect(lake.keys()).toContain(`tenants/${T}/serving/v1/month=2026-01/${coverHash(january)}.answers.parquet`);
    expect(lake.keys()).toContain(
      `tenants/${T}/serving/v1/dt=2026-03-29/${coverHash(lake.keys().filter((k) => k.includes('/dt=2026-03-29/') && k.endsWith('.json.gz')))}.answers.parquet`,
    );

    const reads: string[] = [];
    const spy = {
      ...lake,
      read: (key: string) => {
        reads.push(key);
        return lake.read(key);
      },
    };
    warehouse = await DuckDbWarehouse.create({ source: spy });
    expect(await warehouse.query('trends', YEAR)).toEqual(expected.trends);
    expect(await warehouse.query('competitors', YEAR)).toEqual(expected.competitors);
    expect(await warehouse.query('sources', YEAR)).toEqual(expected.sources);
    expect(await warehouse.query('answers', { ...YEAR, from: '2026-03-01' })).toEqual(expected.answers);
    // The two days after the compaction's last day come from their NDJSON files; every other day from Parquet.
    expect(
      reads
        .filter((k) => k.endsWith('.json.gz'))
        .map((k) => k.match(/dt=([\d-]+)/)?.[1])
        .sort(),
    ).toEqual(['2026-03-30', '2026-03-30', '2026-03-31', '2026-03-31']);
    // A compaction run again writes nothing new.
    expect(await warehouse.compactTenant(T, '2026-03-29')).toBe(0);
  });

  it('a lake file landing late in a compacted month: the segment no longer covers it, so the month is read from NDJSON until recompacted', async () => {
    const lake = quarterLake();
    warehouse = await DuckDbWarehouse.create({ source: lake });
    await warehouse.compactTenant(T, '2026-03-31');
    await warehouse.close();
    lake.put([answerEvent({ tenantId: T, brandId: B, day: '2026-01-05', brandRank: 1 })]);
    warehouse = await DuckDbWarehouse.create({ source: lake });
    expect(await total(warehouse, { ...YEAR, from: '2026-01-05', to: '2026-01-05' })).toBe(7);
    expect(await total(warehouse, YEAR)).toBe(541);
    expect(await warehouse.compactTenant(T, '2026-03-31')).toBe(1);
  });

  it('skips a corrupt file, malformed lines, a bad schema partition and a broken Parquet with counted reasons', async () => {
    const lake = quarterLake();
    warehouse = await DuckDbWarehouse.create({ source: lake });
    await warehouse.compactTenant(T, '2026-01-31');
    await warehouse.close();
    // Not gzip at all.
    lake.putRaw(`${prefix}dt=2026-02-10/zz-corrupt.json.gz`, Buffer.from('this is not gzip'));
    // A partition whose lines have another schema (entities as text, no prompt) plus an invalid JSON line, an event
    // of another tenant and one whose answer day is not its partition's.
    const good = answerEvent({ tenantId: T, brandId: B, day: '2026-02-11', brandRank: 1 });
    const badSchema = { ...good, id: 'evt_bad_schema', data: { ...good.data, entities: 'oops', prompt: 7 } };
    const foreign = answerEvent({ tenantId: OTHER, brandId: B, day: '2026-02-11', brandRank: 1 });
    const otherDay = answerEvent({ tenantId: T, brandId: B, day: '2026-02-12', brandRank: 1 });
    lake.putRaw(
      `${prefix}dt=2026-02-11/zz-mixed.json.gz`,
      gzipSync(
        [badSchema, foreign, otherDay]
          .map((e) => JSON.stringify(e))
          .concat('{"truncated": ')
          .join('\n'),
      ),
    );
    // A compacted day whose Parquet is broken: read from its NDJSON instead.
    const broken = lake.keys().find((k) => k.includes('/month=2026-01/') && k.endsWith('.entities.parquet'));
    lake.putRaw(broken as string, Buffer.from('PAR1 not really'));

    const logs: string[] = [];
    warehouse = await DuckDbWarehouse.create({ source: lake, log: (line) => logs.push(line) });
    expect(await total(warehouse, { ...YEAR, from: '2026-01-01', to: '2026-02-28' })).toBe(354);
    expect(warehouse.skipped(T)).toMatchObject({
      unreadable_file: 1,
      bad_parquet: 1,
      malformed_line: 1,
      invalid_event: 1,
      other_tenant: 1,
      day_outside_partition: 1,
    });
    expect(logs.some((l) => l.includes('unreadable'))).toBe(true);
    // The other tenant's line never reaches its own queries either.
    expect(await total(warehouse, { ...YEAR, tenantId: OTHER })).toBe(0);
  });

  it('skips a valid Parquet of another schema and a partition of lines typed otherwise, never failing the queries', async () => {
    const lake = quarterLake();
    warehouse = await DuckDbWarehouse.create({ source: lake });
    await warehouse.compactTenant(T, '2026-02-28');
    await warehouse.close();
    // A readable Parquet with other columns in place of February's answers segment (e.g. an older layout).
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const scratch = await mkdtemp(join(tmpdir(), 'w29-parquet-'));
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const path = join(scratch, 'other.parquet');
    await connection.run(`COPY (SELECT 1 AS x, 'y' AS tenant) TO '${path}' (FORMAT parquet)`);
    connection.closeSync();
    db.closeSync();
    const segment = lake.keys().find((k) => k.includes('/month=2026-02/') && k.endsWith('.answers.parquet'));
    lake.putRaw(segment as string, await readFile(path));
    await rm(scratch, { recursive: true, force: true });
    // A March partition whose every line has the right names and the wrong types (entities an object, version text).
    const good = answerEvent({ tenantId: T, brandId: B, day: '2026-03-05', brandRank: 1 });
    const typed = {
      ...good,
      id: 'evt_typed',
      data: { ...good.data, entities: { a: 1 }, prompt: { ...good.data.prompt, setVersion: 'two' } },
    };
    lake.putRaw(
      `${prefix}dt=2026-03-05/zz-typed.json.gz`,
      gzipSync(`${JSON.stringify(typed)}\n${JSON.stringify(typed)}\n`),
    );

    warehouse = await DuckDbWarehouse.create({ source: lake });
    expect(await total(warehouse, YEAR)).toBe(540);
    const skipped = warehouse.skipped(T);
    expect(skipped.bad_parquet).toBe(1);
    expect((skipped.malformed_line ?? 0) + (skipped.invalid_event ?? 0)).toBe(2);
    for (const name of ['competitors', 'topics', 'sources', 'prompts', 'matrix', 'answers'] as const)
      await expect(warehouse.query(name, YEAR), name).resolves.toBeInstanceOf(Array);
  });

  it('refuses a bad memory limit and a reversed period', async () => {
    await expect(DuckDbWarehouse.create({ source: memoryLake(), memoryLimit: "1GB'; DROP" })).rejects.toThrow(
      /memory limit/,
    );
    warehouse = await DuckDbWarehouse.create({ source: memoryLake(), memoryLimit: '256MB' });
    await expect(warehouse.query('trends', { ...YEAR, from: '2026-02-01', to: '2026-01-01' })).rejects.toThrow(
      /period/,
    );
  });
});
