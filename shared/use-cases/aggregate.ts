import type { MetricOptions, MetricsReport } from '../analysis/metrics.ts';
import { matchesFilter, metricsFromRollups, type RollupFilter, rollupDelta, sumCounters } from '../events/rollups.ts';
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
 * Applies a batch of stream records to the rollups, in order. A record that is not a valid event is logged and
 * skipped (it would fail identically on every retry, so retrying would only block the shard). A storage failure
 * stops the batch and reports that record: everything before it is committed, everything from it on is delivered
 * again, and the per-event markers make the redelivery of already-applied events harmless.
 */
export async function aggregateRecords(
  deps: { rollups: RollupStore; log?: AggregateLog },
  records: readonly StreamRecordInput[],
): Promise<AggregateResult> {
  const result: AggregateResult = { batchItemFailures: [], applied: 0, duplicates: 0, rejected: 0, ignored: 0 };
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
    const delta = rollupDelta(parsed.event);
    if (!delta) {
      result.ignored++;
      continue;
    }
    try {
      const outcome = await deps.rollups.apply(parsed.event.id, delta);
      if (outcome === 'applied') result.applied++;
      else result.duplicates++;
    } catch (error) {
      deps.log?.error('Rollup update failed; the batch resumes from this record', {
        sequenceNumber: record.sequenceNumber,
        eventId: parsed.event.id,
        error: (error as Error).name,
        message: (error as Error).message,
      });
      result.batchItemFailures.push({ itemIdentifier: record.sequenceNumber });
      break;
    }
  }
  return result;
}

/**
 * DESIGN §5 metrics of a brand over days `from`..`to` from the rollups alone: the day totals when no filter is
 * given, else the matching fine cells.
 */
export async function readBrandMetrics(
  deps: { rollups: RollupStore },
  query: {
    tenantId: string;
    brandId: string;
    from: string;
    to: string;
    filter?: RollupFilter;
  } & Omit<MetricOptions, 'brandId'>,
): Promise<MetricsReport> {
  const filter = query.filter ?? {};
  const options: MetricOptions = {
    brandId: query.brandId,
    ...(query.competitorIds ? { competitorIds: query.competitorIds } : {}),
    ...(query.shareOfVoiceScope ? { shareOfVoiceScope: query.shareOfVoiceScope } : {}),
  };
  if (Object.values(filter).every((v) => v === undefined)) {
    const days = await deps.rollups.readDays(query.tenantId, query.brandId, query.from, query.to);
    return metricsFromRollups(sumCounters(days.map((d) => d.counters)), options);
  }
  const cells = await deps.rollups.readCells(query.tenantId, query.brandId, query.from, query.to);
  return metricsFromRollups(
    sumCounters(cells.filter((c) => matchesFilter(c.dims, filter)).map((c) => c.counters)),
    options,
  );
}
