import type { PutRecordsCommand, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import {
  EventPublishError,
  KINESIS_LIMITS,
  KinesisEventPublisher,
  partitionKeyOf,
  toBatches,
} from '../../../functions/adapters/aws/kinesis-event-publisher.ts';
import { corpusEvents, TENANT } from './fixtures.ts';

const { events, brandId } = corpusEvents();

/** A fake Kinesis client: `plan(call, index)` returns an error code for the entries it refuses. */
function fakeClient(plan: (call: number, entry: PutRecordsRequestEntry) => string | null) {
  const calls: PutRecordsRequestEntry[][] = [];
  return {
    calls,
    send: async (command: PutRecordsCommand) => {
      const records = command.input.Records ?? [];
      const call = calls.length;
      calls.push(records);
      const results = records.map((r) => {
        const code = plan(call, r);
        return code ? { ErrorCode: code, ErrorMessage: 'refused' } : { SequenceNumber: '1', ShardId: 's' };
      });
      return { FailedRecordCount: results.filter((r) => 'ErrorCode' in r).length, Records: results };
    },
  };
}

const idOf = (entry: PutRecordsRequestEntry) => JSON.parse(new TextDecoder().decode(entry.Data)).id as string;
const many = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ ...events[i % events.length], id: `E${i}` })) as never[];

describe('Kinesis event publisher', () => {
  it('batches at 500 records and at 5 MiB, in order', () => {
    const small = Array.from({ length: 1201 }, () => ({ Data: new Uint8Array(10), PartitionKey: 'k' }));
    expect(toBatches(small).map((b) => b.length)).toEqual([500, 500, 201]);
    const big = Array.from({ length: 12 }, () => ({ Data: new Uint8Array(1024 * 1024 - 100), PartitionKey: 'k' }));
    const batches = toBatches(big);
    expect(batches.map((b) => b.length)).toEqual([5, 5, 2]);
    for (const b of batches) {
      expect(b.reduce((s, e) => s + (e.Data?.byteLength ?? 0) + 1, 0)).toBeLessThanOrEqual(
        KINESIS_LIMITS.maxBatchBytes,
      );
    }
  });

  it('partitions by tenant and brand', () => {
    expect(partitionKeyOf(events[0] as never)).toBe(`${TENANT}#${brandId}`);
  });

  it('retries only the refused entries, with growing backoff, until all are accepted', async () => {
    const refusedOnce = new Set(['E3', 'E250', 'E501', 'E700']);
    const seen = new Set<string>();
    const client = fakeClient((_call, entry) => {
      const id = idOf(entry);
      const first = !seen.has(id);
      seen.add(id);
      return first && refusedOnce.has(id) ? 'ProvisionedThroughputExceededException' : null;
    });
    const sleeps: number[] = [];
    const publisher = new KinesisEventPublisher(client, 'stream', {
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.999,
    });
    await publisher.publish(many(800));
    // Each batch's retry carries exactly its refused entries.
    expect(client.calls.map((c) => c.length)).toEqual([500, 2, 300, 2]);
    expect(client.calls[1]?.map(idOf)).toEqual(['E3', 'E250']);
    expect(client.calls[3]?.map(idOf)).toEqual(['E501', 'E700']);
    expect(sleeps).toHaveLength(2);
    const accepted = client.calls.flat().map(idOf);
    expect(new Set(accepted).size).toBe(800);
  });

  it('gives up after the bounded attempts with a typed error naming the codes', async () => {
    const client = fakeClient((_call, entry) => (idOf(entry) === 'E1' ? 'InternalFailure' : null));
    const sleeps: number[] = [];
    const publisher = new KinesisEventPublisher(client, 'stream', {
      maxAttempts: 4,
      baseDelayMs: 100,
      maxDelayMs: 250,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.999,
    });
    const error = await publisher.publish(many(3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventPublishError);
    expect(error).toMatchObject({ name: 'EventPublishError', failed: 1, errorCodes: ['InternalFailure'] });
    expect(client.calls.map((c) => c.length)).toEqual([3, 1, 1, 1]);
    expect(sleeps).toEqual([99, 199, 249]);
  });

  it('resends a whole batch when the call itself fails, and refuses a record over 1 MiB up front', async () => {
    let failures = 1;
    const calls: number[] = [];
    const client = {
      send: async (command: PutRecordsCommand) => {
        calls.push(command.input.Records?.length ?? 0);
        if (failures-- > 0) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        return { FailedRecordCount: 0, Records: [] };
      },
    };
    await new KinesisEventPublisher(client, 's', { sleep: async () => {} }).publish(many(5));
    expect(calls).toEqual([5, 5]);
    const huge = { ...events[0], data: { ...events[0]?.data, blob: 'x'.repeat(1024 * 1024) } } as never;
    await expect(new KinesisEventPublisher(client, 's').publish([huge])).rejects.toThrow(/1 MiB/);
  });
});
