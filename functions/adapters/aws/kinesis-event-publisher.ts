import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CanonicalEvent, EventPublisher } from '#shared/ports/event-publisher.ts';
import { currentCorrelationId } from '../../observability/correlation.ts';

/** PutRecords limits: 500 records and 5 MiB (data + partition keys) per call, 1 MiB per record. */
export const KINESIS_LIMITS = { maxRecords: 500, maxBatchBytes: 5 * 1024 * 1024, maxRecordBytes: 1024 * 1024 } as const;

/** Thrown when events could not all be accepted within the retry budget (or one can never be). */
export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
  constructor(
    message: string,
    readonly failed: number,
    readonly errorCodes: string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface KinesisEventPublisherOptions {
  /** Attempts per batch, the first included. @default 6 */
  maxAttempts?: number;
  /** First backoff; doubles per attempt, with full jitter. @default 50 */
  baseDelayMs?: number;
  /** @default 2000 */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The partition key: all of a brand's events go to one shard, in order, so its rollups are updated serially. */
export function partitionKeyOf(event: CanonicalEvent): string {
  const data = event.data as { brandId?: unknown } | null;
  const brandId = typeof data?.brandId === 'string' ? data.brandId : '_';
  return `${event.tenantid}#${brandId}`;
}

const encoder = new TextEncoder();
const entrySize = (entry: PutRecordsRequestEntry) =>
  (entry.Data?.byteLength ?? 0) + Buffer.byteLength(entry.PartitionKey ?? '', 'utf8');

/** Splits entries into PutRecords batches of at most 500 records and 5 MiB, keeping their order. */
export function toBatches(
  entries: readonly PutRecordsRequestEntry[],
  limits: { maxRecords: number; maxBatchBytes: number } = KINESIS_LIMITS,
): PutRecordsRequestEntry[][] {
  const batches: PutRecordsRequestEntry[][] = [];
  let current: PutRecordsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (current.length > 0 && (current.length >= limits.maxRecords || bytes + size > limits.maxBatchBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * {@link EventPublisher} on a Kinesis data stream. PutRecords is not atomic: a call can accept some records and
 * refuse others (throughput exceeded, internal failure), so only the refused entries are sent again, with
 * exponential backoff and full jitter, up to a bounded number of attempts.
 */
export class KinesisEventPublisher implements EventPublisher {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly client: Pick<KinesisClient, 'send'>,
    private readonly streamName: string,
    options: KinesisEventPublisherOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 50;
    this.maxDelayMs = options.maxDelayMs ?? 2000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async publish(events: readonly CanonicalEvent[]): Promise<void> {
    if (events.length === 0) return;
    // The `correlationid` CloudEvents extension ties the event to the request/run that caused it (docs/observability.md).
    const correlationId = currentCorrelationId();
    const entries = events.map((event) => {
      const entry: PutRecordsRequestEntry = {
        Data: encoder.encode(JSON.stringify(correlationId ? { ...event, correlationid: correlationId } : event)),
        PartitionKey: partitionKeyOf(event),
      };
      if (entrySize(entry) > KINESIS_LIMITS.maxRecordBytes) {
        throw new EventPublishError(`Event ${event.id} (${event.type}) exceeds the 1 MiB record limit`, 1, [
          'RecordTooLarge',
        ]);
      }
      return entry;
    });
    for (const batch of toBatches(entries)) await this.putWithRetries(batch);
  }

  private async putWithRetries(batch: PutRecordsRequestEntry[]): Promise<void> {
    let pending = batch;
    let codes: string[] = [];
    let lastError: unknown;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (attempt > 0) {
        const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        await this.sleep(Math.floor(this.random() * cap));
      }
      try {
        const response = await this.client.send(
          new PutRecordsCommand({ StreamName: this.streamName, Records: pending }),
        );
        const failed = response.FailedRecordCount ?? 0;
        if (failed === 0) return;
        const results = response.Records ?? [];
        codes = [];
        pending = pending.filter((_, i) => {
          const code = results[i]?.ErrorCode;
          if (code) codes.push(code);
          return Boolean(code) || results[i] === undefined;
        });
        lastError = undefined;
      } catch (error) {
        // The whole call failed (network, throttled call, ...): nothing of it was accepted, send it all again.
        lastError = error;
        codes = [(error as Error).name];
      }
    }
    throw new EventPublishError(
      `${pending.length} event(s) not accepted by ${this.streamName} after ${this.maxAttempts} attempts`,
      pending.length,
      [...new Set(codes)],
      { cause: lastError },
    );
  }
}

/**
 * The Kinesis client for publishing. The plain Node HTTP/1.1 handler because kinesalite (local) does not speak the
 * HTTP/2 the SDK may pick for Kinesis; PutRecords in AWS is equally happy with it.
 */
export function createKinesisClient(config: { AWS_REGION: string; KINESIS_ENDPOINT?: string | undefined }) {
  return new KinesisClient({
    region: config.AWS_REGION,
    ...(config.KINESIS_ENDPOINT ? { endpoint: config.KINESIS_ENDPOINT } : {}),
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 10_000 }),
    maxAttempts: 3,
  });
}
