import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { FIRST_DELIVERED, snowflakeDdl } from '../../../functions/adapters/warehouse/snowflake-schema.ts';

/**
 * Snowflake's duplicate resolution ("first delivered wins"), run on DuckDB with the very text the ANSWER_EVENTS view
 * holds: the QUALIFY clause is in the SQL both engines share; only the VARIANT extraction that feeds its typed
 * columns is Snowflake's own (and checked in snowflake-warehouse.test.ts). No Snowflake account here.
 */
const T = 'ws_01jzdddddddddddddddddddddd';

interface Copy {
  event: string;
  data: string;
  deliveredMs?: number | null;
  file?: string | null;
  row?: number | null;
  seq?: string | null;
  hash: number;
}

async function firstDelivered(copies: Copy[]): Promise<Record<string, string>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE d (TENANT_ID VARCHAR, EVENT_ID VARCHAR, DATA VARCHAR, DELIVERED_MS DECIMAL(38, 0),
      DELIVERY_FILE VARCHAR, DELIVERY_ROW DECIMAL(38, 0), DELIVERY_SEQ VARCHAR, CONTENT_HASH BIGINT)`);
    for (const c of copies) {
      await connection.run('INSERT INTO d VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        T,
        c.event,
        c.data,
        c.deliveredMs ?? null,
        c.file ?? null,
        c.row ?? null,
        c.seq === undefined || c.seq === null ? null : c.seq.padStart(64, '0'),
        c.hash,
      ]);
    }
    const reader = await connection.runAndReadAll(`SELECT TENANT_ID, EVENT_ID, DATA FROM d ${FIRST_DELIVERED}`);
    return Object.fromEntries(
      reader.getRowObjectsJS().map((row) => [String(row.EVENT_ID), String(row.DATA)] as [string, string]),
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('first delivered wins (the ANSWER_EVENTS QUALIFY, on DuckDB)', () => {
  it('is the clause the Snowflake view holds', () => {
    expect(snowflakeDdl()[1]).toContain(FIRST_DELIVERED);
  });

  it('orders Firehose ingestion times as numbers, not as text (999 ms before 1,000 ms)', async () => {
    const kept = await firstDelivered([
      { event: 'evt_a', data: 'late', deliveredMs: 1_700_000_001_000, hash: 1 },
      { event: 'evt_a', data: 'first', deliveredMs: 1_700_000_000_999, hash: 2 },
      // As text '999' > '1000'; a scale-guessing parse of short numbers would not order these either.
      { event: 'evt_b', data: 'late', deliveredMs: 1000, hash: 1 },
      { event: 'evt_b', data: 'first', deliveredMs: 999, hash: 2 },
    ]);
    expect(kept).toEqual({ evt_a: 'first', evt_b: 'first' });
  });

  it('never lets a copy without a delivery time win over one with it, whatever the hashes', async () => {
    const kept = await firstDelivered([
      { event: 'evt_a', data: 'no metadata', hash: -9_000_000_000 },
      { event: 'evt_a', data: 'timed', deliveredMs: 1_700_000_000_000, hash: 9_000_000_000 },
    ]);
    expect(kept).toEqual({ evt_a: 'timed' });
  });

  it('orders Snowpipe copies by lake file, then line; Kinesis copies by sequence number (longer than NUMBER(38))', async () => {
    const kept = await firstDelivered([
      {
        event: 'evt_a',
        data: 'later file',
        file: 'tenants/t/dt=2026-04-02/pp-2026-04-02-10-00-01-b.json.gz',
        row: 1,
        hash: 1,
      },
      {
        event: 'evt_a',
        data: 'line 2',
        file: 'tenants/t/dt=2026-04-02/pp-2026-04-02-10-00-00-a.json.gz',
        row: 10,
        hash: 2,
      },
      {
        event: 'evt_a',
        data: 'line 1',
        file: 'tenants/t/dt=2026-04-02/pp-2026-04-02-10-00-00-a.json.gz',
        row: 9,
        hash: 3,
      },
      { event: 'evt_b', data: 'later', seq: '49650000000000000000000000000000000000000000000000000010', hash: 1 },
      { event: 'evt_b', data: 'earlier', seq: '9650000000000000000000000000000000000000000000000000099', hash: 2 },
    ]);
    expect(kept).toEqual({ evt_a: 'line 1', evt_b: 'earlier' });
  });

  it('breaks a tie between copies with no delivery metadata by content hash, so the same copy wins every time', async () => {
    const copies = [
      { event: 'evt_a', data: 'x', hash: 5 },
      { event: 'evt_a', data: 'y', hash: 3 },
    ];
    expect(await firstDelivered(copies)).toEqual({ evt_a: 'y' });
    expect(await firstDelivered([...copies].reverse())).toEqual({ evt_a: 'y' });
  });
});
