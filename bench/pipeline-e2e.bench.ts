/**
 * Event pipeline benchmark through the local emulators (`npx tsx bench/pipeline-e2e.bench.ts`; issue 6 item 8b):
 * publish → kinesalite → the local poller running the production aggregate handler → DynamoDB Local.
 *
 * Publishes N ~1 KB `answer.analyzed` events (the generator of bench/pipeline.bench.ts) with the real
 * KinesisEventPublisher, PutRecords batches of 500 sent one after another as fast as they are accepted, and
 * measures:
 *   - events/s: N / (last event aggregated − first publish call);
 *   - latency per event from its publish call (stamped just before the PutRecords batch holding it is sent) to
 *     the poll that first saw it counted; p50 / p95 / max.
 * Aggregation is detected by polling the brands' day totals (`RollupStore.readDays`, summed `n`) every
 * BENCH_POLL_MS (default 25 ms): a brand's events are on one shard in order (partition key tenant#brand), so when
 * the brand's count is c its first c published events are aggregated. The latency figures are therefore rounded up
 * to the poll interval plus one poll's duration (printed). Always exits 0.
 * With BENCH_RATE > 0 the events are published at that rate (batches every 100 ms) instead of all at once, which
 * measures latency below saturation rather than the time to drain a backlog.
 * Env: BENCH_EVENTS (default 5000), BENCH_POLL_MS (default 25), BENCH_RATE (events/s, default 0 = unpaced).
 */
import '../local/env-defaults.ts';
import { performance } from 'node:perf_hooks';
import { createDocumentClient } from '../functions/adapters/aws/clients.ts';
import { DynamoDbRollupStore } from '../functions/adapters/aws/dynamodb-rollup-store.ts';
import { createKinesisClient, KinesisEventPublisher } from '../functions/adapters/aws/kinesis-event-publisher.ts';
import { startLocalStack } from '../local/stack.ts';
import { RESOURCE_NAMES } from '../shared/infra/resources.ts';
import { makeAnalyzedEvents } from './pipeline.bench.ts';

const N = Number(process.env.BENCH_EVENTS ?? 5000);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 25);
const TIMEOUT_MS = Math.max(120_000, N * 50);
const RATE = Number(process.env.BENCH_RATE ?? 0);
const BATCH = RATE > 0 ? Math.max(1, Math.min(500, Math.round(RATE / 10))) : 500;
const DAY = '2026-10-15';

const events = makeAnalyzedEvents({ count: N, tenants: 4, brandsPerTenant: 2, seed: 7, day: DAY });
const bytes = events.reduce((a, e) => a + Buffer.byteLength(JSON.stringify(e)), 0);

// Per brand, its events in publish order.
const byBrand = new Map<string, { tenantId: string; brandId: string; indexes: number[]; seen: number }>();
events.forEach((e, i) => {
  const key = `${e.data.tenantId}#${e.data.brandId}`;
  let b = byBrand.get(key);
  if (!b) {
    b = { tenantId: e.data.tenantId, brandId: e.data.brandId, indexes: [], seen: 0 };
    byBrand.set(key, b);
  }
  b.indexes.push(i);
});
const publishedAt = new Float64Array(N).fill(Number.NaN);
const aggregatedAt = new Float64Array(N).fill(Number.NaN);

const stack = await startLocalStack({
  dataDir: null,
  ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
  schedulerIntervalMs: null,
  seed: false,
  log: () => {},
});
const kinesis = createKinesisClient({ AWS_REGION: 'us-east-1', KINESIS_ENDPOINT: stack.endpoints.kinesis });
const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.endpoints.dynamodb });
const rollups = new DynamoDbRollupStore(db, RESOURCE_NAMES.table);
const publisher = new KinesisEventPublisher(kinesis, RESOURCE_NAMES.eventStream);

try {
  console.log(
    `pipeline benchmark (local emulators): ${N} answer.analyzed events, ${(bytes / N).toFixed(0)} B avg, ${byBrand.size} brands (partition keys), PutRecords batches of ${BATCH}${RATE > 0 ? ` paced at ${RATE} events/s` : ' unpaced'}, poll every ${POLL_MS} ms, node ${process.version}`,
  );
  let done = 0;
  let polls = 0;
  let pollMsTotal = 0;
  const poll = async (): Promise<void> => {
    const t0 = performance.now();
    await Promise.all(
      [...byBrand.values()].map(async (b) => {
        const days = await rollups.readDays(b.tenantId, b.brandId, DAY, DAY);
        const count = days.reduce((a, d) => a + (d.counters.n ?? 0), 0);
        const now = performance.now();
        for (; b.seen < Math.min(count, b.indexes.length); b.seen++) {
          aggregatedAt[b.indexes[b.seen]!] = now;
          done++;
        }
      }),
    );
    polls++;
    pollMsTotal += performance.now() - t0;
  };
  let publishing = true;
  const poller = (async () => {
    const deadline = performance.now() + TIMEOUT_MS;
    while ((publishing || done < N) && performance.now() < deadline) {
      await poll();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();

  const start = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    if (RATE > 0) {
      const due = start + (i / RATE) * 1000;
      if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
    }
    const t = performance.now();
    publishedAt.fill(t, i, i + batch.length);
    await publisher.publish(batch);
  }
  const publishEnd = performance.now();
  publishing = false;
  await poller;

  const latencies: number[] = [];
  for (let i = 0; i < N; i++) if (!Number.isNaN(aggregatedAt[i]!)) latencies.push(aggregatedAt[i]! - publishedAt[i]!);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? Number.NaN;
  const last = Math.max(...Array.from(aggregatedAt).filter((x) => !Number.isNaN(x)));
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`\n  aggregated                ${done} / ${N}${done < N ? `  (timed out after ${TIMEOUT_MS} ms)` : ''}`);
  console.log(`  publish rate              ${fmt(N / ((publishEnd - start) / 1000))} events/s (PutRecords accepted)`);
  console.log(
    `  end-to-end throughput     ${fmt(done / ((last - start) / 1000))} events/s (first publish → last aggregated)`,
  );
  console.log(`  latency publish→aggregate p50 ${fmt(q(0.5))} ms, p95 ${fmt(q(0.95))} ms, max ${fmt(q(1))} ms`);
  console.log(
    `  detection resolution      poll every ${POLL_MS} ms + ${(pollMsTotal / polls).toFixed(1)} ms per poll (${polls} polls)`,
  );
} finally {
  kinesis.destroy();
  db.destroy();
  await stack.stop();
}
