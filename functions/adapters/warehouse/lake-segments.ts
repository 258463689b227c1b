import { createHash } from 'node:crypto';
import { type LakeSource, servingPrefix } from './lake-source.ts';

/**
 * The compacted serving copy of the lake (docs/adr/0012): per tenant, one Parquet **segment** per settled month and
 * one per settled day of the month still in progress, each three files (`answers`, `entities`, `citations`, the
 * served tables' columns) plus a manifest (source keys, skip counts):
 *
 *   tenants/<t>/serving/v1/month=<YYYY-MM>/<hash>.{answers,entities,citations}.parquet
 *   tenants/<t>/serving/v1/dt=<YYYY-MM-DD>/<hash>.{answers,entities,citations}.parquet
 *
 * `<hash>` covers the NDJSON keys the segment was built from: a reader knows from a listing alone whether a segment
 * still covers every lake file of its month/day (a file landing late changes the hash and the segment is ignored
 * until the next compaction), without fetching a manifest. Months, not days, because DuckDB's cost is per file: a
 * year is 36 files instead of 1,095.
 */
export const PARQUET_PARTS = ['answers', 'entities', 'citations'] as const;
export type ParquetPart = (typeof PARQUET_PARTS)[number];

export type SegmentUnit = { kind: 'month'; month: string } | { kind: 'day'; day: string };

export function coverHash(jsonKeys: readonly string[]): string {
  return createHash('sha256')
    .update([...jsonKeys].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

const folderOf = (unit: SegmentUnit) => (unit.kind === 'month' ? `month=${unit.month}` : `dt=${unit.day}`);

export const segmentKey = (tenantId: string, unit: SegmentUnit, hash: string, part: ParquetPart | 'manifest') =>
  `${servingPrefix(tenantId)}${folderOf(unit)}/${hash}.${part}.${part === 'manifest' ? 'json' : 'parquet'}`;

export const segmentKeys = (tenantId: string, unit: SegmentUnit, hash: string) =>
  PARQUET_PARTS.map((part) => segmentKey(tenantId, unit, hash, part));

/** Inclusive list of `YYYY-MM-DD` days. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

export const monthOf = (day: string) => day.slice(0, 7);
export const monthStart = (day: string) => `${monthOf(day)}-01`;
export function monthEnd(day: string): string {
  const [y, m] = monthOf(day).split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Keys of the month segments of months in [fromMonth, toMonth], by month. */
export async function listMonthSegments(
  source: LakeSource,
  tenantId: string,
  fromMonth: string,
  toMonth: string,
): Promise<Map<string, string[]>> {
  const prefix = `${servingPrefix(tenantId)}month=`;
  const months = new Map<string, string[]>();
  for await (const page of source.list(prefix, `${prefix}${fromMonth}`)) {
    for (const key of page) {
      const month = key.slice(prefix.length, prefix.length + 7);
      if (month < fromMonth) continue;
      if (month > toMonth) return months;
      const keys = months.get(month) ?? [];
      if (keys.length === 0) months.set(month, keys);
      keys.push(key);
    }
  }
  return months;
}
