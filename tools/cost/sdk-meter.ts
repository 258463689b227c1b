/**
 * Counts, in this process, the AWS requests a cost measurement needs (tools/cost/measure.ts): one middleware added to
 * the stack of every AWS SDK client that sends a request while the meter is on. DynamoDB requests ask for
 * `ReturnConsumedCapacity: TOTAL` and add up the capacity units the table reports; Kinesis puts add up record
 * bytes; S3 requests count by price class; WebSocket pushes count messages. Production code is unchanged: the
 * middleware is installed by the measuring tool only.
 */
import { Client } from '@smithy/core/client';
import type { UsageCounters } from './counters.ts';

const DYNAMODB_READS = new Set([
  'GetItemCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactGetItemsCommand',
]);
const DYNAMODB_WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);
/** S3 requests billed at the PUT, COPY, POST, LIST rate; every other request is billed at the GET rate. */
const S3_PUT_CLASS = new Set([
  'PutObjectCommand',
  'CopyObjectCommand',
  'ListObjectsV2Command',
  'ListObjectsCommand',
  'CreateMultipartUploadCommand',
  'UploadPartCommand',
  'CompleteMultipartUploadCommand',
]);

interface ConsumedCapacity {
  CapacityUnits?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the middleware reads commands of every service loosely
type Loose = Record<string, any>;

function capacityOf(output: Loose | undefined): number {
  const consumed = output?.ConsumedCapacity as ConsumedCapacity | ConsumedCapacity[] | undefined;
  if (!consumed) return 0;
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
}

function byteLength(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (value instanceof Uint8Array) return value.byteLength;
  return 0;
}

/** Starts counting into `counters`; the returned function stops counting (the middleware stays, inert). */
export function startSdkMeter(counters: UsageCounters): () => void {
  let on = true;
  const metered = new WeakSet<object>();
  const proto = Client.prototype as unknown as { send: (...args: unknown[]) => unknown };
  const send = proto.send;
  proto.send = function meteredSend(this: { middlewareStack: Loose }, ...args: unknown[]) {
    const stack = this.middlewareStack;
    if (!metered.has(stack)) {
      metered.add(stack);
      stack.add(
        (next: (a: Loose) => Promise<Loose>, context: Loose) => async (a: Loose) => {
          if (!on) return next(a);
          const command = String(context.commandName ?? '');
          const client = String(context.clientName ?? '');
          const isDynamo =
            client.startsWith('DynamoDB') && (DYNAMODB_READS.has(command) || DYNAMODB_WRITES.has(command));
          const result = await next(isDynamo ? { ...a, input: { ...a.input, ReturnConsumedCapacity: 'TOTAL' } } : a);
          count(counters, client, command, a.input as Loose, result.output as Loose);
          return result;
        },
        { step: 'initialize', name: 'costMeter', override: true },
      );
    }
    return send.apply(this, args);
  };
  return () => {
    on = false;
    proto.send = send;
  };
}

function count(counters: UsageCounters, client: string, command: string, input: Loose, output: Loose): void {
  if (client.startsWith('DynamoDB')) {
    if (DYNAMODB_READS.has(command)) counters.dynamodb.readRequestUnits += capacityOf(output);
    else if (DYNAMODB_WRITES.has(command)) counters.dynamodb.writeRequestUnits += capacityOf(output);
    else return;
    counters.dynamodb.requests++;
  } else if (client.startsWith('Kinesis') && (command === 'PutRecordsCommand' || command === 'PutRecordCommand')) {
    const records = (command === 'PutRecordsCommand' ? input.Records : [input]) as Loose[];
    for (const record of records) {
      const size = byteLength(record.Data) + byteLength(record.PartitionKey);
      counters.kinesis.records++;
      counters.kinesis.bytes += size;
      counters.kinesis.bytesRoundedTo1KiB += Math.ceil(size / 1024) * 1024;
      counters.kinesis.bytesRoundedTo5KiB += Math.ceil(size / 5120) * 5120;
    }
  } else if (client.startsWith('S3')) {
    if (S3_PUT_CLASS.has(command)) counters.s3.putRequests++;
    else counters.s3.getRequests++;
    if (command === 'PutObjectCommand') counters.s3.bytesPut += byteLength(input.Body);
  } else if (client.startsWith('ApiGatewayManagementApi') && command === 'PostToConnectionCommand') {
    counters.websocket.messages++;
    counters.websocket.bytes += byteLength(input.Data);
  }
}
