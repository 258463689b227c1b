import { gzipSync } from 'node:zlib';
import type { _Record } from '@aws-sdk/client-kinesis';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ulid } from 'ulid';

/** How long a lake file is retried before the flush gives up (Firehose's S3 retry duration). */
const RETRY_DURATION_MS = 300_000;

const TENANT_ID = /^ws_[0-9a-hjkmnp-tv-z]{26}$/;
const EVENT_TYPE = /^promptpulse\.[a-z]+(\.[a-z_]+)+$/;
const DATE = /^\d{4}-\d{2}-\d{2}T/;

/** The production lake layout (Firehose dynamic partitioning): tenant, event type, event date. */
export function lakeKey(partition: { tenantid: string; type: string; dt: string }, file: string): string {
  return `tenants/${partition.tenantid}/events/type=${partition.type}/dt=${partition.dt}/${file}`;
}

/** Firehose's error output layout for records it could not partition. */
export function lakeErrorKey(errorType: string, dt: string, file: string): string {
  return `errors/${errorType}/dt=${dt}/${file}`;
}

export interface LakeWriterOptions {
  s3: S3Client;
  bucket: string;
  /** Flush when the buffered (uncompressed) bytes reach this. @default 1 MiB */
  maxBytes?: number;
  /** Flush when the oldest buffered record is this old. @default 3000 */
  intervalMs?: number;
  /** Called after each flush with the last sequence number per shard that is now durable. */
  onFlushed?(upTo: Record<string, string>): void;
  log?: (line: string) => void;
  now?: () => Date;
}

export interface LakeWriter {
  /** Buffers a batch of stream records (partitioned on the way in). */
  add(shardId: string, records: readonly _Record[]): Promise<void>;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The local stand-in for Firehose with dynamic partitioning: records are buffered (size and time, like Firehose's
 * buffering hints), then written per partition as gzip-compressed newline-delimited JSON. A record that is not JSON
 * or lacks a valid `tenantid`/`type`/`time` goes, with the reason, under the error prefix.
 */
export function createLakeWriter(options: LakeWriterOptions): LakeWriter {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const intervalMs = options.intervalMs ?? 3000;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  let buffer = new Map<string, string[]>();
  let bytes = 0;
  let upTo: Record<string, string> = {};
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  const decoder = new TextDecoder();

  const push = (key: string, line: string) => {
    let lines = buffer.get(key);
    if (!lines) {
      lines = [];
      buffer.set(key, lines);
    }
    lines.push(line);
    bytes += line.length + 1;
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = buffer;
    const marks = upTo;
    buffer = new Map();
    upTo = {};
    bytes = 0;
    flushing = flushing.then(async () => {
      if (batch.size === 0) return;
      const stamp = now().toISOString().replace(/[:.]/g, '-');
      for (const [prefix, lines] of batch) {
        const key = `${prefix}promptpulse-events-${stamp}-${ulid()}.json.gz`;
        const body = gzipSync(`${lines.join('\n')}\n`);
        // Retried until stored, for up to Firehose's retry duration (300 s): the checkpoint only moves once every
        // file of the flush is durable, and a flush given up after a few seconds would leave its records out of the
        // lake until the next restart re-reads them (an s3rver restart mid-run did exactly that).
        const giveUpAt = Date.now() + RETRY_DURATION_MS;
        for (let attempt = 0; ; attempt++) {
          try {
            await options.s3.send(
              new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: body, ContentType: 'application/gzip' }),
            );
            break;
          } catch (error) {
            if (Date.now() >= giveUpAt) throw error;
            await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * 2 ** attempt)));
          }
        }
      }
      options.onFlushed?.(marks);
    });
    return flushing.catch((error: Error) =>
      log(`lake writer: flush failed (records stay unacknowledged): ${error.message}`),
    );
  };

  return {
    async add(shardId, records) {
      for (const record of records) {
        const text = decoder.decode(record.Data ?? new Uint8Array());
        const arrival = (record.ApproximateArrivalTimestamp ?? now()).toISOString();
        const partition = partitionOf(text);
        if ('error' in partition) {
          const line = JSON.stringify({
            rawData: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
            errorCode: 'DynamicPartitioning.MetadataExtractionFailed',
            errorMessage: partition.error,
            sequenceNumber: record.SequenceNumber,
            approximateArrivalTimestamp: arrival,
          });
          push(lakeErrorKey('processing-failed', arrival.slice(0, 10), ''), line);
        } else {
          push(lakeKey(partition, ''), text.replace(/\n/g, ' '));
        }
        if (record.SequenceNumber) upTo[shardId] = record.SequenceNumber;
      }
      if (bytes >= maxBytes) await flush();
      else if (!timer && bytes > 0) timer = setTimeout(() => void flush(), intervalMs);
    },
    flush,
    async stop() {
      await flush();
    },
  };
}

function partitionOf(text: string): { tenantid: string; type: string; dt: string } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: 'record is not JSON' };
  }
  const { tenantid, type, time } = (json ?? {}) as Record<string, unknown>;
  if (typeof tenantid !== 'string' || !TENANT_ID.test(tenantid)) return { error: 'missing or invalid tenantid' };
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) return { error: 'missing or invalid type' };
  if (typeof time !== 'string' || !DATE.test(time)) return { error: 'missing or invalid time' };
  return { tenantid, type, dt: time.slice(0, 10) };
}
