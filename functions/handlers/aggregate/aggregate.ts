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
  /**
   * How long a batch that could not be stored is retried inside the invocation (backoff 0.5 s doubling to 8 s)
   * before it is reported failed. A storage failure of a valid batch is an outage, and the event source mapping's
   * few retries would otherwise send a short DynamoDB outage's records to the on-failure queue, i.e. out of the
   * rollups until someone re-drives them. Re-applying a batch is harmless (per-event markers). @default 0
   */
  retryBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The aggregation consumer's logic on a Kinesis event-source batch: decode each record, apply it to the rollups
 * exactly once, and answer with `batchItemFailures` (ReportBatchItemFailures) naming the first record that could not
 * be stored. Never throws for a record's content, so a bad record cannot crash-loop the shard.
 */
export function createAggregateHandler(deps: AggregateHandlerDeps) {
  const once = aggregateOnce(deps);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const deadline = Date.now() + (deps.retryBudgetMs ?? 0);
    let response = await once(event);
    for (
      let delay = 500;
      response.batchItemFailures.length > 0 && Date.now() + delay <= deadline;
      delay = Math.min(delay * 2, 8000)
    ) {
      await sleep(delay);
      response = await once(event);
    }
    return response;
  };
}

function aggregateOnce(deps: AggregateHandlerDeps) {
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
