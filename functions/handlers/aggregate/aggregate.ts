import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { RollupStore } from '#shared/ports/rollups.ts';
import { type AggregateLog, type AggregateResult, aggregateRecords } from '#shared/use-cases/aggregate.ts';
import { aggregateSignalRecords, type SignalAggregationDeps } from '#shared/use-cases/signals.ts';

export interface AggregateHandlerDeps {
  rollups: RollupStore;
  log?: AggregateLog;
  /** Called with each batch's outcome (the Lambda entry point counts business metrics from it). */
  onResult?: (result: AggregateResult) => void;
  /** The signal aggregates and swing alerts (docs/signals.md); absent = answer rollups only. */
  signals?: SignalAggregationDeps;
}

/**
 * The aggregation consumer's logic on a Kinesis event-source batch: decode each record, apply it to the rollups
 * exactly once, and answer with `batchItemFailures` (ReportBatchItemFailures) naming the first record that could not
 * be stored. Never throws for a record's content, so a bad record cannot crash-loop the shard.
 */
export function createAggregateHandler(deps: AggregateHandlerDeps) {
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const records = (event.Records ?? []).map((record) => ({
      sequenceNumber: record.kinesis.sequenceNumber,
      data: Buffer.from(record.kinesis.data ?? '', 'base64').toString('utf8'),
    }));
    const result = await aggregateRecords(deps, records);
    deps.onResult?.(result);
    if (!deps.signals) return { batchItemFailures: result.batchItemFailures };
    // Signals are a second, independent pass; the stream resumes from the earlier of the two failures.
    const signals = await aggregateSignalRecords(deps.signals, records);
    const failed = [...result.batchItemFailures, ...signals.batchItemFailures].map((f) =>
      records.findIndex((r) => r.sequenceNumber === f.itemIdentifier),
    );
    const first = records[Math.min(...failed)];
    return { batchItemFailures: first ? [{ itemIdentifier: first.sequenceNumber }] : [] };
  };
}
