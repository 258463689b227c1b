import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { WarehouseError } from '#shared/ports/warehouse.ts';
import type { SkipCounts } from './duckdb-lake.ts';
import { coverHash, daysBetween, listMonthSegments, monthEnd, monthOf, segmentKeys } from './lake-segments.ts';
import { answerEventsPrefix, dayOfKey, type LakeSource, listDays, servingPrefix } from './lake-source.ts';

/**
 * What the DuckDB warehouse knows of a tenant's lake and what it has loaded, and the plan of a query's load: which
 * Parquet segments and which NDJSON files bring the period's days into the tables. Kept apart from the adapter so
 * the plan is plain data over listings.
 */
export interface DayState {
  /** The day's NDJSON keys at the last listing. */
  jsonKeys: string[];
  /** The day's serving (day segment) keys at the last listing. */
  servingKeys: string[];
  listedAt: number;
  /** Keys whose rows are in the tables (loaded as NDJSON or through a segment). */
  loaded: Set<string>;
}

export interface TenantState {
  days: Map<string, DayState>;
  /** Month segment keys at the last listing, by month. */
  months: Map<string, string[]>;
  answers: number;
  lastUsed: number;
  skipped: SkipCounts;
  lock: Promise<unknown>;
}

/** Parquet files to load (answers, entities, citations in turn) and the days whose lake files they cover. */
export interface Segment {
  keys: string[];
  days: string[];
}

export const newTenantState = (): TenantState => ({
  days: new Map(),
  months: new Map(),
  answers: 0,
  lastUsed: 0,
  skipped: {},
  lock: Promise.resolve(),
});

const isLoaded = (d: DayState | undefined) => !d || d.jsonKeys.every((key) => d.loaded.has(key));

/**
 * The load of days [from, to] (listed through whole months beforehand): a month segment when it covers every lake
 * file of its month and nothing of the month is loaded yet, else per pending day its day segment (same rule) or its
 * NDJSON keys not loaded yet.
 */
export function planLoad(
  tenantId: string,
  state: TenantState,
  from: string,
  to: string,
): { segments: Segment[]; jsonKeys: string[] } {
  const segments: Segment[] = [];
  const jsonKeys: string[] = [];
  const wanted = new Set(daysBetween(from, to));
  for (const month of new Set([...wanted].map(monthOf))) {
    const days = daysBetween(`${month}-01`, monthEnd(`${month}-01`)).filter((day) => state.days.has(day));
    const pending = days.filter((day) => wanted.has(day) && !isLoaded(state.days.get(day)));
    if (pending.length === 0) continue;
    const keys = days.flatMap((day) => state.days.get(day)?.jsonKeys ?? []);
    const untouched = days.every((day) => state.days.get(day)?.loaded.size === 0);
    const monthFiles = segmentKeys(tenantId, { kind: 'month', month }, coverHash(keys));
    if (keys.length > 0 && untouched && monthFiles.every((k) => state.months.get(month)?.includes(k))) {
      segments.push({ keys: monthFiles, days });
      continue;
    }
    for (const day of pending) {
      const d = state.days.get(day) as DayState;
      const dayFiles = segmentKeys(tenantId, { kind: 'day', day }, coverHash(d.jsonKeys));
      if (d.loaded.size === 0 && dayFiles.every((k) => d.servingKeys.includes(k)))
        segments.push({ keys: dayFiles, days: [day] });
      else for (const key of d.jsonKeys) if (!d.loaded.has(key)) jsonKeys.push(key);
    }
  }
  return { segments, jsonKeys };
}

/**
 * Lists the days of [from, to] that are due: never listed, or listed longer ago than their interval (`recentMs` for
 * the last two days, still receiving answers; `settledMs` before). One listing per prefix, from the first due day.
 */
export async function listDue(
  source: LakeSource,
  tenantId: string,
  state: TenantState,
  range: { from: string; to: string },
  intervals: { recentMs: number; settledMs: number },
): Promise<void> {
  const now = Date.now();
  const settledBefore = new Date(now - 2 * 86_400_000).toISOString().slice(0, 10);
  const due = daysBetween(range.from, range.to).filter((day) => {
    const listedAt = state.days.get(day)?.listedAt;
    return listedAt === undefined || now - listedAt >= (day < settledBefore ? intervals.settledMs : intervals.recentMs);
  });
  if (due.length === 0) return;
  const [first, last] = [due[0] as string, due[due.length - 1] as string];
  let json: Map<string, string[]>;
  let serving: Map<string, string[]>;
  let months: Map<string, string[]>;
  try {
    [json, serving, months] = await Promise.all([
      listDays(source, answerEventsPrefix(tenantId), first, last),
      listDays(source, servingPrefix(tenantId), first, last),
      listMonthSegments(source, tenantId, monthOf(first), monthOf(last)),
    ]);
  } catch (error) {
    throw new WarehouseError('the lake could not be listed', { cause: error });
  }
  for (const month of new Set(due.map(monthOf))) state.months.set(month, months.get(month) ?? []);
  for (const day of due) {
    const d = state.days.get(day);
    const jsonKeys = json.get(day) ?? [];
    const servingKeys = serving.get(day) ?? [];
    if (d) Object.assign(d, { jsonKeys, servingKeys, listedAt: now });
    else state.days.set(day, { jsonKeys, servingKeys, listedAt: now, loaded: new Set() });
  }
}

/**
 * Local paths for keys: the lake's own paths for a local directory, else copies fetched into a fresh folder of
 * `cacheDir` (removed by `release`). The partition folder and the key order are kept in the local names: the checks
 * compare each answer's day with its folder, and the first delivered copy is the first in name order.
 */
export async function localFiles(
  source: LakeSource,
  keys: string[],
  cacheDir: string,
  concurrency: number,
): Promise<{ paths: string[]; release: () => Promise<void> }> {
  if (source.localPath) return { paths: keys.map((k) => source.localPath?.(k) as string), release: async () => {} };
  const dir = await mkdtemp(join(cacheDir, 'fetch-'));
  const paths = keys.map((key, i) =>
    join(
      dir,
      `dt=${dayOfKey(key) ?? 'none'}`,
      `${String(i).padStart(6, '0')}-${key.slice(key.lastIndexOf('/') + 1).replace(/[^\w.-]/g, '_')}`,
    ),
  );
  try {
    for (let i = 0; i < keys.length; i += concurrency) {
      await Promise.all(
        keys.slice(i, i + concurrency).map(async (key, j) => {
          const path = paths[i + j] as string;
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, await source.read(key));
        }),
      );
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new WarehouseError('a lake file could not be fetched', { cause: error });
  }
  return { paths, release: () => rm(dir, { recursive: true, force: true }) };
}
