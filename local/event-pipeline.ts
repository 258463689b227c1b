import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import { recordDeadLetter } from '../functions/observability/dead-letters.ts';
import { startKinesisPoller } from './kinesis-poller.ts';
import { createLakeWriter } from './lake-writer.ts';
import type { UsageMeter } from './usage-meter.ts';

export interface EventPipelineOptions {
  kinesis: KinesisClient;
  s3: S3Client;
  streamName: string;
  bucket: string;
  region: string;
  /** Directory for durable consumer checkpoints; null keeps them in memory. */
  checkpointDir: string | null;
  /** Lake buffering (Firehose buffering hints). @default 1 MiB / 3 s */
  lake?: { maxBytes?: number; intervalMs?: number };
  /** Counts the aggregate function's invocations for a cost measurement. */
  meter?: UsageMeter;
  log?: (line: string) => void;
}

export interface EventPipeline {
  /** Flushes the lake buffer now. */
  flushLake(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The stream's two consumers, locally: the production aggregate Lambda handler behind a poller with event-source
 * mapping semantics, and the Firehose stand-in writing the lake. Each has its own shard iterators and checkpoints,
 * as two consumers of one stream do in AWS.
 */
export async function startEventPipeline(options: EventPipelineOptions): Promise<EventPipeline> {
  const log = options.log ?? (() => {});
  const file = (name: string) => (options.checkpointDir ? `${options.checkpointDir}/${name}.json` : null);
  const { handler } = await import('../functions/handlers/aggregate/index.ts');
  const arn = `arn:aws:kinesis:${options.region}:000000000000:stream/${options.streamName}`;
  let invocation = 0;
  const aggregator = await startKinesisPoller({
    client: options.kinesis,
    streamName: options.streamName,
    name: 'aggregate',
    batchSize: 100,
    maxRetryAttempts: 5,
    checkpointFile: file('aggregate'),
    log,
    onDiscard: (shardId, record, reason) => {
      log(`aggregate: record ${record.SequenceNumber} on ${shardId} sent to the on-failure destination (${reason})`);
      // What the on-failure queue would hold in AWS, for the operations view (GET /ops/status).
      recordDeadLetter({ source: 'aggregate (stream consumer)', id: `${shardId}:${record.SequenceNumber}`, reason });
    },
    handle: async (shardId, records) => {
      const event: KinesisStreamEvent = {
        Records: records.map((r) => ({
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: `${shardId}:${r.SequenceNumber}`,
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
          awsRegion: options.region,
          eventSourceARN: arn,
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: r.PartitionKey ?? '',
            sequenceNumber: r.SequenceNumber ?? '',
            approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
            data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
          },
        })),
      };
      const context = { functionName: 'promptpulse-aggregate', awsRequestId: `local-${++invocation}` };
      const started = performance.now();
      const response = await (
        handler as unknown as (
          e: KinesisStreamEvent,
          c: unknown,
        ) => Promise<{
          batchItemFailures: { itemIdentifier: string }[];
        }>
      )(event, context).finally(() => options.meter?.lambda('Aggregate', performance.now() - started));
      return { failedSequenceNumber: response?.batchItemFailures?.[0]?.itemIdentifier };
    },
  });

  let lakePoller: Awaited<ReturnType<typeof startKinesisPoller>> | null = null;
  const lake = createLakeWriter({
    s3: options.s3,
    bucket: options.bucket,
    ...options.lake,
    log,
    onFlushed: (upTo) => {
      for (const [shardId, seq] of Object.entries(upTo)) lakePoller?.commit(shardId, seq);
    },
  });
  lakePoller = await startKinesisPoller({
    client: options.kinesis,
    streamName: options.streamName,
    name: 'lake',
    batchSize: 500,
    autoCheckpoint: false,
    checkpointFile: file('lake'),
    log,
    handle: async (shardId, records) => {
      await lake.add(shardId, records);
      return {};
    },
  });

  return {
    flushLake: () => lake.flush(),
    async stop() {
      await Promise.all([aggregator.stop(), lakePoller?.stop()]);
      await lake.stop();
    },
  };
}

/**
 * The warehouse materialization schedule, locally (an hourly EventBridge rule in AWS): the production Lambda handler,
 * called once shortly after start (so a restarted stack's summary is rebuilt) and then every `intervalMs`. It runs
 * in this process, so it refreshes the same DuckDB the API queries. Returns the stop function.
 */
export async function startMaterializeSchedule(options: {
  intervalMs: number;
  firstRunMs?: number;
  log: (line: string) => void;
}): Promise<() => Promise<void>> {
  const { handler } = await import('../functions/handlers/materialize/index.ts');
  let invocation = 0;
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    const context = { functionName: 'promptpulse-materialize', awsRequestId: `local-${++invocation}` };
    running = (handler as unknown as (event: unknown, context: unknown) => Promise<{ summaryRows: number }>)(
      {},
      context,
    )
      .then((report) => options.log(`warehouse materialized: ${report.summaryRows} summary rows`))
      .catch((error: Error) => options.log(`warehouse materialization failed: ${error.message}`))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(run, options.firstRunMs ?? 15_000);
  const timer = setInterval(run, options.intervalMs);
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
