import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SkipCounts } from './duckdb-lake.ts';
import {
  coverHash,
  listMonthSegments,
  monthEnd,
  monthOf,
  PARQUET_PARTS,
  type ParquetPart,
  type SegmentUnit,
  segmentKey,
} from './lake-segments.ts';
import { answerEventsPrefix, type LakeSource, listDays, servingPrefix } from './lake-source.ts';

export interface CompactionDeps {
  source: LakeSource & Required<Pick<LakeSource, 'write'>>;
  /** Stages the NDJSON keys and writes the three Parquet files; null when none of the files could be read. */
  toParquet(
    tenantId: string,
    keys: string[],
    paths: Record<ParquetPart, string>,
  ): Promise<{ answers: number; skipped: SkipCounts } | null>;
  scratchDir: string;
  /** True once the run's time budget is spent (the next run goes on where this one stopped). */
  outOfTime(): boolean;
}

/**
 * Compacts one tenant's settled lake (days through `throughDay`) into Parquet segments (lake-segments.ts): a month
 * segment for every month whose last day is settled, a day segment for each settled day of the month in progress.
 * A segment that already exists at the current hash of its source keys is left alone, so a run is idempotent and
 * only a month or day that received a file since is rebuilt. Returns the segments written.
 */
export async function compactTenant(deps: CompactionDeps, tenantId: string, throughDay: string): Promise<number> {
  const json = await listDays(deps.source, answerEventsPrefix(tenantId), '0000-00-00', throughDay);
  const daySegments = await listDays(deps.source, servingPrefix(tenantId), '0000-00-00', throughDay);
  const monthSegments = await listMonthSegments(deps.source, tenantId, '0000-00', monthOf(throughDay));
  const byMonth = new Map<string, string[]>();
  for (const day of json.keys()) byMonth.set(monthOf(day), [...(byMonth.get(monthOf(day)) ?? []), day]);

  const units: { unit: SegmentUnit; keys: string[]; existing: string[] }[] = [];
  for (const [month, days] of byMonth) {
    if (monthEnd(`${month}-01`) <= throughDay) {
      const keys = days.flatMap((day) => json.get(day) ?? []);
      units.push({ unit: { kind: 'month', month }, keys, existing: monthSegments.get(month) ?? [] });
    } else {
      for (const day of days) {
        units.push({ unit: { kind: 'day', day }, keys: json.get(day) ?? [], existing: daySegments.get(day) ?? [] });
      }
    }
  }

  let written = 0;
  for (const { unit, keys, existing } of units) {
    if (deps.outOfTime()) break;
    const hash = coverHash(keys);
    if (PARQUET_PARTS.every((part) => existing.includes(segmentKey(tenantId, unit, hash, part)))) continue;
    const dir = join(deps.scratchDir, `compact-${tenantId}-${unit.kind === 'month' ? unit.month : unit.day}`);
    await mkdir(dir, { recursive: true });
    try {
      const paths = Object.fromEntries(PARQUET_PARTS.map((part) => [part, join(dir, `${part}.parquet`)])) as Record<
        ParquetPart,
        string
      >;
      const result = await deps.toParquet(tenantId, keys, paths);
      if (!result) continue; // nothing readable: the queries read (and skip) the NDJSON themselves
      for (const part of PARQUET_PARTS) {
        await deps.source.write(segmentKey(tenantId, unit, hash, part), await readFile(paths[part]));
      }
      const manifest = { version: 1, tenantId, unit, sources: keys, answers: result.answers, skipped: result.skipped };
      await deps.source.write(segmentKey(tenantId, unit, hash, 'manifest'), Buffer.from(JSON.stringify(manifest)));
      written++;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return written;
}
