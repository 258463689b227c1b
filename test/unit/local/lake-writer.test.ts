import { gunzipSync } from 'node:zlib';
import type { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createLakeWriter } from '../../../local/lake-writer.ts';
import { corpusEvents, TENANT } from '../events/fixtures.ts';

const { events } = corpusEvents();

function fakeS3() {
  const objects = new Map<string, string[]>();
  const client = {
    send: async (command: PutObjectCommand) => {
      const body = gunzipSync(command.input.Body as Buffer).toString('utf8');
      objects.set(command.input.Key ?? '', body.split('\n').filter(Boolean));
      return {};
    },
  } as unknown as S3Client;
  return { client, objects };
}

const record = (data: string, seq: number) => ({
  Data: new TextEncoder().encode(data),
  SequenceNumber: String(seq),
  PartitionKey: 'k',
  ApproximateArrivalTimestamp: new Date('2025-03-03T12:00:00Z'),
});

describe('local lake writer (Firehose stand-in)', () => {
  it('partitions by tenant/type/date, gzips NDJSON, sends unparseable records to the error prefix, acks after flush', async () => {
    const { client, objects } = fakeS3();
    const acked: Record<string, string>[] = [];
    const writer = createLakeWriter({
      s3: client,
      bucket: 'lake',
      intervalMs: 60_000,
      onFlushed: (m) => acked.push(m),
    });
    await writer.add('shard-0', [
      ...events.slice(0, 5).map((e, i) => record(JSON.stringify(e), i + 1)),
      record('not json', 6),
      record(JSON.stringify({ tenantid: '../../x', type: 'promptpulse.a.b', time: '2025-01-01T00:00:00Z' }), 7),
    ]);
    expect(objects.size).toBe(0);
    expect(acked).toEqual([]);
    await writer.flush();
    expect(acked).toEqual([{ 'shard-0': '7' }]);
    const keys = [...objects.keys()];
    const dataKeys = keys.filter((k) => k.startsWith('tenants/'));
    for (const key of dataKeys) {
      expect(key).toMatch(
        new RegExp(
          `^tenants/${TENANT}/events/type=promptpulse\\.answer\\.analyzed/dt=2025-03-0[12]/[^/]+\\.json\\.gz$`,
        ),
      );
    }
    expect(dataKeys.flatMap((k) => objects.get(k) ?? []).map((l) => JSON.parse(l).id)).toEqual(
      expect.arrayContaining(events.slice(0, 5).map((e) => e.id)),
    );
    const errorKeys = keys.filter((k) => k.startsWith('errors/'));
    expect(errorKeys).toHaveLength(1);
    expect(errorKeys[0]).toMatch(/^errors\/processing-failed\/dt=2025-03-03\/[^/]+\.json\.gz$/);
    const errors = (objects.get(errorKeys[0] ?? '') ?? []).map((l) => JSON.parse(l));
    expect(errors.map((e) => e.errorMessage)).toEqual(['record is not JSON', 'missing or invalid tenantid']);
    expect(Buffer.from(errors[0].rawData, 'base64').toString()).toBe('not json');
  });

  it('flushes on size and on time', async () => {
    const { client, objects } = fakeS3();
    const writer = createLakeWriter({ s3: client, bucket: 'lake', maxBytes: 2000, intervalMs: 50 });
    await writer.add(
      's',
      events.slice(0, 3).map((e, i) => record(JSON.stringify(e), i)),
    );
    expect(objects.size).toBeGreaterThan(0); // over 2,000 bytes: flushed at once
    objects.clear();
    await writer.add('s', [record(JSON.stringify({ ...events[0], id: 'x' }).slice(0, 10), 9)]);
    expect(objects.size).toBe(0);
    await new Promise((r) => setTimeout(r, 150));
    expect(objects.size).toBe(1);
    await writer.stop();
  });
});
