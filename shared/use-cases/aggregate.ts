import type { MetricOptions, MetricsReport } from '../analysis/metrics.ts';
import {
  addDays,
  cellClusters,
  isoWeekOf,
  isoWeekStart,
  matchesFilter,
  metricsFromRollups,
  type RollupCounters,
  type RollupEntry,
  type RollupFilter,
  type RollupGranularity,
  rollupEntry,
  sumCounters,
} from '../events/rollups.ts';
import { parseCanonicalEvent } from '../events/schemas.ts';
import type { RollupStore } from '../ports/rollups.ts';

/** One stream record as the consumer sees it: its sequence number and its UTF-8 payload. */
export interface StreamRecordInput {
  sequenceNumber: string;
  data: string;
}

export interface AggregateLog {
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface AggregateResult {
  /** ReportBatchItemFailures: the first record that could not be applied (the poller/Lambda retries from it). */
  batchItemFailures: { itemIdentifier: string }[];
  applied: number;
  duplicates: number;
  /** Records that are not usable events (logged with the reason, never retried). */
  rejected: number;
  /** Valid events the rollups do not count (e.g. run.progressed). */
  ignored: number;
}

/**
 * Applies a batch of stream records to the rollups. A record that is not a valid event is logged and skipped (it
 * would fail identically on every retry, so retrying would only block the shard). The countable events go to the
 * store as ONE batch, which merges them and writes per cell rather than per event; the store commits them in order,
 * so a storage failure leaves a committed prefix: the first uncommitted record is reported, everything from it on is
 * delivered again, and the per-event markers make the redelivery of already-applied events harmless.
 */
export async function aggregateRecords(
  deps: { rollups: RollupStore; log?: AggregateLog },
  records: readonly StreamRecordInput[],
): Promise<AggregateResult> {
  const result: AggregateResult = { batchItemFailures: [], applied: 0, duplicates: 0, rejected: 0, ignored: 0 };
  const entries: RollupEntry[] = [];
  const sequenceOf: string[] = [];
  for (const record of records) {
    const parsed = parseCanonicalEvent(record.data);
    if (!parsed.ok) {
      result.rejected++;
      deps.log?.warn('Skipping an unusable stream record', {
        sequenceNumber: record.sequenceNumber,
        reason: parsed.reason,
        eventId: parsed.id,
        eventType: parsed.type,
      });
      continue;
    }
    const entry = rollupEntry(parsed.event);
    if (!entry) {
      result.ignored++;
      continue;
    }
    entries.push(entry);
    sequenceOf.push(record.sequenceNumber);
  }
  if (entries.length === 0) return result;
  let failed: { index: number; error: Error } | undefined;
  try {
    const outcome = await deps.rollups.applyBatch(entries);
    result.applied = outcome.applied;
    result.duplicates = outcome.duplicates;
    failed = outcome.failed;
  } catch (error) {
    // Nothing is known to be committed: retry from the first countable record (markers absorb what was).
    failed = { index: 0, error: error as Error };
  }
  if (failed) {
    const sequenceNumber = sequenceOf[failed.index] as string;
    deps.log?.error('Rollup update failed; the batch resumes from this record', {
      sequenceNumber,
      eventId: entries[failed.index]?.eventId,
      error: failed.error.name,
      message: failed.error.message,
    });
    result.batchItemFailures.push({ itemIdentifier: sequenceNumber });
  }
  return result;
}

export interface BrandMetricsQuery extends Omit<MetricOptions, 'brandId'> {
  tenantId: string;
  brandId: string;
  /** Inclusive UTC dates `YYYY-MM-DD`. */
  from: string;
  to: string;
  filter?: RollupFilter;
}

/**
 * Summed counters of a brand over days `from`..`to`: whole ISO weeks inside the period from the week cells, the
 * days before the first and after the last whole week from the day cells. Why: a year is then ~52 weeks of cells
 * and at most 12 days of them instead of 365, which keeps the overview fast however long the period. Always cells,
 * filtered or not: their per-prompt counters are the clusters of the intervals, kept apart per cell
 * ({@link cellClusters}); a brand total does not keep them.
 */
export async function readRollupCounters(
  deps: { rollups: RollupStore },
  query: Pick<BrandMetricsQuery, 'tenantId' | 'brandId' | 'from' | 'to' | 'filter'>,
): Promise<RollupCounters> {
  const { tenantId, brandId, from, to } = query;
  const filter = query.filter ?? {};
  const split = splitIntoWeeks(from, to);
  const cellsOf = (a: string, b: string, granularity: RollupGranularity) =>
    deps.rollups
      .readCells(tenantId, brandId, a, b, granularity)
      .then((cells) => cells.filter((c) => matchesFilter(c.dims, filter)).map(cellClusters));
  if (!split.weeks) return sumCounters(await cellsOf(from, to, 'day'));
  const reads: Promise<RollupCounters[]>[] = [];
  if (split.before) reads.push(cellsOf(...split.before, 'day'));
  if (split.after) reads.push(cellsOf(...split.after, 'day'));
  reads.push(cellsOf(...split.weeks, 'week'));
  return sumCounters((await Promise.all(reads)).flat());
}

/** A period split into leading days, whole ISO weeks and trailing days (each part absent when empty). */
export function splitIntoWeeks(
  from: string,
  to: string,
): { before?: [string, string]; weeks?: [string, string]; after?: [string, string] } {
  const firstMonday = isoWeekStart(isoWeekOf(from)) === from ? from : addDays(isoWeekStart(isoWeekOf(from)), 7);
  const lastSunday = addDays(isoWeekStart(isoWeekOf(to)), 6) === to ? to : addDays(isoWeekStart(isoWeekOf(to)), -1);
  if (firstMonday > lastSunday) return {};
  return {
    ...(firstMonday > from ? { before: [from, addDays(firstMonday, -1)] as [string, string] } : {}),
    weeks: [isoWeekOf(firstMonday), isoWeekOf(lastSunday)],
    ...(lastSunday < to ? { after: [addDays(lastSunday, 1), to] as [string, string] } : {}),
  };
}

const metricOptionsOf = (query: BrandMetricsQuery): MetricOptions => ({
  brandId: query.brandId,
  ...(query.competitorIds ? { competitorIds: query.competitorIds } : {}),
  ...(query.shareOfVoiceScope ? { shareOfVoiceScope: query.shareOfVoiceScope } : {}),
});

/** The metrics (docs/analysis.md) of a brand over days `from`..`to` from the rollups alone (see {@link readRollupCounters}). */
export async function readBrandMetrics(
  deps: { rollups: RollupStore },
  query: BrandMetricsQuery,
): Promise<MetricsReport> {
  return metricsFromRollups(await readRollupCounters(deps, query), metricOptionsOf(query));
}

/** One bucket of a metrics series: a day, or an ISO week clipped to the period. */
export interface MetricsBucket {
  /** `YYYY-MM-DD` or `YYYY-Www`. */
  period: string;
  /** First and last day of the bucket inside the queried period. */
  from: string;
  to: string;
  report: MetricsReport;
}

/**
 * The metrics per day or per ISO week over `from`..`to`, every bucket present (empty ones have n = 0). Weeks cut by
 * the period's edges are summed from their days inside it, so a bucket never counts answers outside the period.
 */
export async function readBrandMetricsSeries(
  deps: { rollups: RollupStore },
  query: BrandMetricsQuery & { granularity: RollupGranularity },
): Promise<MetricsBucket[]> {
  const { tenantId, brandId, from, to } = query;
  const filter = query.filter ?? {};
  const options = metricOptionsOf(query);
  const dayCounters = async (a: string, b: string): Promise<Map<string, RollupCounters[]>> => {
    const byDay = new Map<string, RollupCounters[]>();
    const push = (key: string, c: RollupCounters) => byDay.set(key, [...(byDay.get(key) ?? []), c]);
    for (const c of await deps.rollups.readCells(tenantId, brandId, a, b, 'day'))
      if (matchesFilter(c.dims, filter)) push(c.period, cellClusters(c));
    return byDay;
  };
  const buckets: MetricsBucket[] = [];
  if (query.granularity === 'day') {
    const byDay = await dayCounters(from, to);
    for (let day = from; day <= to; day = addDays(day, 1))
      buckets.push({
        period: day,
        from: day,
        to: day,
        report: metricsFromRollups(sumCounters(byDay.get(day) ?? []), options),
      });
    return buckets;
  }
  const split = splitIntoWeeks(from, to);
  const [edgeDays, weekItems] = await Promise.all([
    Promise.all([split.before, split.after].map((range) => (range ? dayCounters(...range) : new Map()))),
    split.weeks
      ? deps.rollups
          .readCells(tenantId, brandId, ...split.weeks, 'week')
          .then((cells) => cells.filter((c) => matchesFilter(c.dims, filter)))
      : Promise.resolve([]),
  ]);
  const byWeek = new Map<string, RollupCounters[]>();
  const push = (week: string, c: RollupCounters) => byWeek.set(week, [...(byWeek.get(week) ?? []), c]);
  for (const item of weekItems) push(item.period, cellClusters(item));
  if (!split.weeks) for (const [day, cs] of await dayCounters(from, to)) for (const c of cs) push(isoWeekOf(day), c);
  for (const days of edgeDays) for (const [day, cs] of days) for (const c of cs) push(isoWeekOf(day), c);
  for (let monday = isoWeekStart(isoWeekOf(from)); monday <= to; monday = addDays(monday, 7)) {
    const week = isoWeekOf(monday);
    const sunday = addDays(monday, 6);
    buckets.push({
      period: week,
      from: monday < from ? from : monday,
      to: sunday > to ? to : sunday,
      report: metricsFromRollups(sumCounters(byWeek.get(week) ?? []), options),
    });
  }
  return buckets;
}
