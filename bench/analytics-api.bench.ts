/**
 * Analytics API latency (issue 6 item 8c): a tenant with a year of synthesized answers, read through the local HTTP
 * gateway (token check, tenant and brand check, the production handler) on the local stack.
 *
 *   rollups    a full year of 500 prompts x 4 providers x 3 samples daily (2.19 M answers), merged in memory with the
 *              production `mergeRollupEntries` and loaded with `DynamoDbRollupStore.addMergedItems` (the backfill
 *              path, no stream: quick to load, the same items the consumer writes);
 *   lake       the same shape at BENCH_LAKE_PROMPTS prompts (default 50, i.e. 10% = 219 k answers) as gzip NDJSON
 *              files in the production key layout, read by the DuckDB warehouse like any lake (a full-size lake of
 *              ~2.6 GB of JSON does not fit a laptop-sized local stack; the figure says which scale it measured).
 *
 * Then, for each route, BENCH_REQUESTS sequential requests after a warm-up (default 200): p50 / p95 / max in ms, and
 * the ratio to `GET /health` (same gateway, no data) measured in the same run. Target: overview p95 < 100 ms.
 * Always exits 0 (figures are machine-dependent); `npx tsx bench/analytics-api.bench.ts`.
 */
import '../local/env-defaults.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createDocumentClient } from '../functions/adapters/aws/clients.ts';
import { DynamoDbRollupStore } from '../functions/adapters/aws/dynamodb-rollup-store.ts';
import { localS3Client } from '../local/emulators/s3.ts';
import { startLocalStack } from '../local/stack.ts';
import { PROVIDERS } from '../shared/contracts/run-settings.ts';
import { makeEvent } from '../shared/events/envelope.ts';
import { addDays, mergeRollupEntries, type RollupEntry } from '../shared/events/rollups.ts';
import type { AnswerAnalyzedData, EntityObservation } from '../shared/events/schemas.ts';
import { RESOURCE_NAMES } from '../shared/infra/resources.ts';
import { call } from '../test/support/api.ts';
import { freshAccount, ownerOfNewWorkspace } from '../test/support/sessions.ts';
import { rng } from './lib/synthetic.ts';

const PROMPTS = Number(process.env.BENCH_PROMPTS ?? 500);
const LAKE_PROMPTS = Number(process.env.BENCH_LAKE_PROMPTS ?? 50);
const SAMPLES = 3;
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const TOPICS = 5;

const invitationsDir = mkdtempSync(join(tmpdir(), 'bench-analytics-'));
const stack = await startLocalStack({
  dataDir: null,
  ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
  schedulerIntervalMs: null,
  seed: false,
  onInvitation: (email, password) => writeFileSync(join(invitationsDir, email), password),
});

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

try {
  const account = await freshAccount({ url: stack.url, invitationsDir }, 'bench-analytics');
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Bench Co');
  const { token, tenantId } = owner;
  const created = await call(stack.apiUrl, 'POST', '/brands', {
    token,
    body: {
      name: 'Acme Analytics',
      category: 'Product analytics',
      competitors: ['Northwind Insights', 'Globex Metrics', 'Initech Data', 'Umbrella BI'].map((name) => ({ name })),
      topics: Array.from({ length: TOPICS }, (_, i) => ({ name: `Topic ${i + 1}`, description: '' })),
    },
  });
  if (created.status !== 201) throw new Error(`brand: ${created.status} ${JSON.stringify(created.json)}`);
  const brand = created.json as { id: string; competitors: { id: string }[]; topics: { id: string }[] };
  const entityIds = [brand.id, ...brand.competitors.map((c) => c.id)];
  const topicIds = brand.topics.map((t) => t.id);
  const to = addDays(new Date().toISOString().slice(0, 10), -1);
  const from = addDays(to, -(DAYS - 1));

  // Entity observations: a pool of variants shared across answers (the merge only reads them).
  const random = rng(7);
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  const variants: EntityObservation[][] = Array.from({ length: 256 }, () => {
    let rank = 0;
    return entityIds.map((entityId, k) => {
      const mentioned = random() < (k === 0 ? 0.6 : 0.4);
      const mentions = mentioned ? 1 + Math.floor(random() * 3) : 0;
      const sentiments = Array.from({ length: mentions }, () => round3(random() * 2 - 1));
      return {
        entityId,
        kind: k === 0 ? 'brand' : 'competitor',
        mentioned,
        mentions,
        rank: mentioned ? ++rank : null,
        sentiment: mentioned ? round3(sentiments.reduce((a, b) => a + b, 0) / mentions) : null,
        mentionSentiments: sentiments,
        ownedCitations: mentioned && random() < 0.3 ? 1 : 0,
        positionAdjustedWords: mentioned ? round3(random() * 40) : 0,
        primaryRecommendation: mentioned && rank === 1 && random() < 0.5,
      } satisfies EntityObservation;
    });
  });
  const dataOf = (day: string, p: number, provider: (typeof PROVIDERS)[number], sample: number, i: number) =>
    ({
      tenantId,
      brandId: brand.id,
      runId: `run_${day}`,
      answerId: `ans_${day}_${p}_${provider}_${sample}`,
      prompt: {
        id: `prm_${p}`,
        setVersion: 1,
        branded: p % 5 === 0,
        topicId: topicIds[p % TOPICS] ?? null,
        intent: null,
        persona: null,
      },
      provider,
      model: `${provider}-model`,
      modelVersion: null,
      surface: provider === 'perplexity' ? 'api_web_search' : 'api',
      locale: 'en-US',
      sampleIndex: sample,
      answeredAt: `${day}T06:${String(i % 60).padStart(2, '0')}:00.000Z`,
      analyzerVersion: 'bench',
      refusal: false,
      entities: variants[(i * 2654435761) % variants.length] as EntityObservation[],
      citations:
        i % 3 === 0
          ? []
          : [
              {
                url: `https://site${i % 40}.org/a`,
                domain: `site${i % 40}.org`,
                class: 'third-party',
                entityId: null,
                category: 'review',
              },
            ],
      usage: { inputTokens: 300, outputTokens: 700 },
      costUsd: 0.001,
      latencyMs: 1200,
    }) satisfies AnswerAnalyzedData;

  // Rollups: a year at full scale, merged per day, loaded through the adapter's backfill path.
  const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.endpoints.dynamodb });
  const store = new DynamoDbRollupStore(db, RESOURCE_NAMES.table);
  let t0 = performance.now();
  let answers = 0;
  let items = 0;
  const pending: ReturnType<typeof mergeRollupEntries> = [];
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(from, d);
    const entries: RollupEntry[] = [];
    let i = d * 7919;
    for (let p = 0; p < PROMPTS; p++)
      for (const provider of PROVIDERS)
        for (let s = 0; s < SAMPLES; s++) {
          const data = dataOf(day, p, provider, s, i++);
          entries.push({
            eventId: data.answerId,
            tenantId,
            brandId: brand.id,
            day,
            cell: {
              day,
              promptSetVersion: 1,
              provider,
              surface: data.surface,
              topic: data.prompt.topicId ?? 'none',
              branded: data.prompt.branded,
            },
            answer: data,
            counters: null,
          });
        }
    answers += entries.length;
    pending.push(...mergeRollupEntries(entries));
    if (pending.length >= 2000 || d === DAYS - 1) {
      items += pending.length;
      await store.addMergedItems(pending.splice(0), 24);
    }
  }
  console.log(
    `analytics API benchmark: ${answers.toLocaleString('en-US')} answers (${PROMPTS} prompts x ${PROVIDERS.length} providers x ${SAMPLES} samples x ${DAYS} days) loaded into the rollups as ${items.toLocaleString('en-US')} item updates in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // Lake: one gzip NDJSON file per day at LAKE_PROMPTS prompts.
  t0 = performance.now();
  const s3 = localS3Client(stack.endpoints.s3);
  let lakeAnswers = 0;
  let lakeBytes = 0;
  const uploads: Promise<unknown>[] = [];
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(from, d);
    const lines: string[] = [];
    let i = d * 7919;
    for (let p = 0; p < LAKE_PROMPTS; p++)
      for (const provider of PROVIDERS)
        for (let s = 0; s < SAMPLES; s++) {
          const data = dataOf(day, p, provider, s, i++);
          lines.push(
            JSON.stringify(
              makeEvent({
                type: 'promptpulse.answer.analyzed',
                tenantId,
                subject: `brands/${brand.id}/answers/${data.answerId}`,
                time: data.answeredAt,
                key: data.answerId,
                data,
              }),
            ),
          );
        }
    lakeAnswers += lines.length;
    const body = gzipSync(`${lines.join('\n')}\n`);
    lakeBytes += body.length;
    uploads.push(
      s3.send(
        new PutObjectCommand({
          Bucket: RESOURCE_NAMES.lakeBucket,
          Key: `tenants/${tenantId}/events/type=promptpulse.answer.analyzed/dt=${day}/bench-${day}.json.gz`,
          Body: body,
        }),
      ),
    );
    if (uploads.length >= 16) await Promise.all(uploads.splice(0));
  }
  await Promise.all(uploads);
  console.log(
    `lake: ${lakeAnswers.toLocaleString('en-US')} answers (${LAKE_PROMPTS} prompts; ${(lakeBytes / 2 ** 20).toFixed(1)} MiB gzip in ${DAYS} files) written in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  t0 = performance.now();
  const year = `from=${from}&to=${to}`;
  // The first query loads the lake into DuckDB; the gateway gives up after its timeout (like API Gateway's 30 s) while
  // the load goes on in the function's process, so ask again until it answers.
  for (let attempt = 0; ; attempt++) {
    const first = await call(stack.apiUrl, 'GET', `/brands/${brand.id}/analytics/trends?${year}&limit=1`, { token });
    if (first.status === 200) break;
    if (attempt > 100 || first.status < 500)
      throw new Error(`warehouse: ${first.status} ${JSON.stringify(first.json)}`);
    await new Promise((r) => setTimeout(r, 3000));
  }
  console.log(`warehouse: first query (loads the lake into DuckDB) ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const last90 = `from=${addDays(to, -89)}&to=${to}`;
  const routes: [string, string][] = [
    ['GET /health (baseline)', '/health'],
    ['overview: metrics, 1 year', `/brands/${brand.id}/metrics?${year}`],
    ['overview: metrics, 90 days', `/brands/${brand.id}/metrics?${last90}`],
    ['metrics, 1 year, weekly series', `/brands/${brand.id}/metrics?${year}&granularity=week`],
    ['metrics, 90 days, provider filter', `/brands/${brand.id}/metrics?${last90}&provider=openai`],
    ['warehouse trends, 90 days', `/brands/${brand.id}/analytics/trends?${last90}`],
    ['warehouse competitors, 90 days', `/brands/${brand.id}/analytics/competitors?${last90}`],
    ['warehouse topics, 1 year', `/brands/${brand.id}/analytics/topics?${year}`],
    ['warehouse sources, 90 days', `/brands/${brand.id}/analytics/sources?${last90}&limit=100`],
    ['warehouse prompts, 90 days, page 1', `/brands/${brand.id}/analytics/prompts?${last90}&limit=500`],
  ];
  console.log(`\nlatency through the local gateway, ms (${REQUESTS} sequential requests after 10 warm-up)`);
  console.log(`  ${'route'.padEnd(38)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}   p95 / health p95`);
  let healthP95 = Number.NaN;
  for (const [label, path] of routes) {
    for (let w = 0; w < 10; w++) {
      const res = await call(stack.apiUrl, 'GET', path, { token });
      if (res.status !== 200) throw new Error(`${label}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
    }
    const times: number[] = [];
    for (let r = 0; r < REQUESTS; r++) {
      const started = performance.now();
      await call(stack.apiUrl, 'GET', path, { token });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const p95 = percentile(times, 95);
    if (path === '/health') healthP95 = p95;
    const target = label.startsWith('overview')
      ? p95 < 100
        ? '   (target < 100: met)'
        : '   (target < 100: NOT met)'
      : '';
    console.log(
      `  ${label.padEnd(38)}${percentile(times, 50).toFixed(1).padStart(8)}${p95.toFixed(1).padStart(8)}${(times.at(-1) ?? 0).toFixed(1).padStart(8)}   ${(p95 / healthP95).toFixed(1)}x${target}`,
    );
  }
  db.destroy();
  s3.destroy();
} finally {
  await stack.stop();
}
