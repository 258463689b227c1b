/**
 * Warehouse scale bench (issue 29): the DuckDB warehouse over a synthetic year of one tenant's
 * `promptpulse.answer.analyzed` events (built with the product's `makeEvent`, a sample checked against the event
 * schema), in the production lake layout on local disk (gzip NDJSON, 4 files a day, 0.5 % of events delivered twice).
 *
 * For each size (env BENCH_SIZES, default `20000,200000,1000000`; add 5000000 for the big run), in a child process
 * of its own (so max RSS is per size):
 *   native     DuckDB's own `read_json` over the whole year with the adapter's explicit columns, into a table: the
 *              baseline every other figure is divided by (same run, same machine);
 *   ndjson     a fresh warehouse, first `trends` query over the year before any compaction (the first deploy);
 *   compact    the materializer's compaction of every day to Parquet;
 *   cold       per route, a fresh warehouse and its first query over the year (Parquet + NDJSON for the two
 *              unsettled days), and `trends` over the last 90 days;
 *   warm       per route, p50 / p95 of BENCH_REPEAT (default 40) queries on a loaded warehouse, year and 90 days.
 * Targets (issue 29): at 1 M answers, cold ≤ 3 s and warm p95 ≤ 150 ms per route. Always exits 0 unless a query
 * fails. `npm run bench:warehouse` (env BENCH_DIR for the scratch lake, default the OS temp dir).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { DuckDbWarehouse, directoryLakeSource } from '../functions/adapters/warehouse/duckdb-warehouse.ts';
import type { AnalyticsQueryName } from '../shared/contracts/analytics.ts';
import { PROVIDERS } from '../shared/contracts/run-settings.ts';
import { makeEvent } from '../shared/events/envelope.ts';
import { type AnswerAnalyzedData, answerAnalyzedEventSchema } from '../shared/events/schemas.ts';
import type { WarehouseScope } from '../shared/ports/warehouse.ts';
import { rng } from './lib/synthetic.ts';

const ROUTES: AnalyticsQueryName[] = ['trends', 'competitors', 'topics', 'sources', 'prompts', 'matrix', 'answers'];
const TENANT = 'ws_01jzbenchbenchbenchbenchbe';
const BRAND = 'brd_01jzbenchbenchbenchbenchbe';
const FIRST_DAY = '2026-01-01';
const DAYS = 365;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 40);
const MEMORY_LIMIT = process.env.BENCH_MEMORY_LIMIT ?? '1GB';

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const LAST_DAY = addDays(FIRST_DAY, DAYS - 1);

/** One day's events in the product's shape: prompts × 4 providers × samples, 5 tracked entities, 0–3 citations. */
function dayEvents(day: string, perDay: number, random: () => number): string[] {
  const prompts = Math.max(5, Math.round(perDay / (PROVIDERS.length * 3)));
  const lines: string[] = [];
  for (let i = 0; i < perDay; i++) {
    const provider = PROVIDERS[i % PROVIDERS.length] as (typeof PROVIDERS)[number];
    const p = Math.floor(i / (PROVIDERS.length * 3)) % prompts;
    const mentioned = (id: number) => random() < (id === 0 ? 0.45 : 0.3);
    const entities = ['brand', 'cmp_1', 'cmp_2', 'cmp_3', 'cmp_4'].map((name, k) => {
      const m = mentioned(k);
      const sentiment = m ? Math.round((random() * 2 - 1) * 100) / 100 : null;
      return {
        entityId: k === 0 ? BRAND : `ent_${name}`,
        kind: k === 0 ? ('brand' as const) : ('competitor' as const),
        mentioned: m,
        mentions: m ? 1 + Math.floor(random() * 3) : 0,
        rank: m ? 1 + Math.floor(random() * 5) : null,
        sentiment,
        mentionSentiments: sentiment === null ? [] : [sentiment],
        ownedCitations: 0,
        positionAdjustedWords: m ? Math.round(random() * 80) : 0,
        primaryRecommendation: m && random() < 0.2,
      };
    });
    const citations = Array.from({ length: Math.floor(random() * 4) }, (_, c) => {
      const site = Math.floor(random() * 200);
      return {
        url: `https://site${site}.example/article-${c}`,
        domain: `site${site}.example`,
        class: site < 5 ? ('owned' as const) : site < 20 ? ('competitor' as const) : ('third-party' as const),
        entityId: null,
        category: 'review' as const,
      };
    });
    const data: AnswerAnalyzedData = {
      tenantId: TENANT,
      brandId: BRAND,
      runId: `run_${day}`,
      answerId: `ans_${day}_${i}`,
      prompt: {
        id: `prm_${p}`,
        setVersion: 1,
        branded: p % 5 === 0,
        topicId: `top_${p % 12}`,
        intent: null,
        persona: null,
      },
      provider,
      model: `${provider}-model`,
      modelVersion: null,
      surface: provider === 'perplexity' ? 'api_web_search' : 'api',
      locale: p % 7 === 0 ? 'de-DE' : 'en-US',
      sampleIndex: i % 3,
      answeredAt: `${day}T${String(6 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000Z`,
      analyzerVersion: 'bench',
      refusal: random() < 0.02,
      entities,
      citations,
      usage: { inputTokens: 300, outputTokens: 700 },
      costUsd: 0.001,
      latencyMs: 1200,
    };
    const event = makeEvent({
      type: 'promptpulse.answer.analyzed',
      tenantId: TENANT,
      subject: `brands/${BRAND}/answers/${data.answerId}`,
      time: data.answeredAt,
      key: data.answerId,
      data,
    });
    if (i === 0) answerAnalyzedEventSchema.parse(event); // the product's schema, on a sample of every day
    lines.push(JSON.stringify(event));
  }
  return lines;
}

function generate(root: string, size: number): { files: string[]; bytes: number } {
  const random = rng(size);
  const perDay = Math.round(size / DAYS);
  const files: string[] = [];
  let bytes = 0;
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(FIRST_DAY, d);
    const lines = dayEvents(day, perDay, random);
    const redelivered = lines.filter((_, i) => i % 200 === 7); // 0.5 % delivered again in the day's last file
    const dir = join(root, `tenants/${TENANT}/events/type=promptpulse.answer.analyzed/dt=${day}`);
    mkdirSync(dir, { recursive: true });
    const quarter = Math.ceil(lines.length / 4);
    for (let f = 0; f < 4; f++) {
      const part = lines.slice(f * quarter, (f + 1) * quarter).concat(f === 3 ? redelivered : []);
      const body = gzipSync(`${part.join('\n')}\n`, { level: 6 });
      const path = join(dir, `pp-lake-1-${day}-${String(f).padStart(2, '0')}.json.gz`);
      writeFileSync(path, body);
      files.push(path);
      bytes += body.length;
    }
  }
  return { files, bytes };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(0)} ms`);

async function runSize(size: number): Promise<void> {
  const root = join(process.env.BENCH_DIR ?? tmpdir(), `pp-warehouse-bench-${size}`);
  rmSync(root, { recursive: true, force: true });
  let t0 = performance.now();
  const { files, bytes } = generate(root, size);
  console.log(
    `\n== ${size.toLocaleString('en-US')} answers/tenant/year: ${files.length} lake files, ${(bytes / 2 ** 20).toFixed(1)} MiB gzip, generated in ${fmt(ms(t0))}`,
  );
  const source = directoryLakeSource(root);
  const year: WarehouseScope = { tenantId: TENANT, brandId: BRAND, from: FIRST_DAY, to: LAST_DAY };
  const quarter: WarehouseScope = { ...year, from: addDays(LAST_DAY, -89) };
  const page = { limit: 5001 };
  const options = { source, memoryLimit: MEMORY_LIMIT, settledRefreshMs: 3_600_000 };

  // Baseline: DuckDB's own JSON reader over the whole year, into a table (no checks, no dedupe, no flattening).
  const { DuckDBInstance, listValue } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { memory_limit: MEMORY_LIMIT });
  const connection = await db.connect();
  t0 = performance.now();
  await connection.run(
    `CREATE TABLE native AS SELECT * FROM read_json($files, format = 'newline_delimited', compression = 'gzip',
      columns = {id: 'VARCHAR', type: 'VARCHAR', tenantid: 'VARCHAR', specversion: 'VARCHAR', data: 'STRUCT(brandId VARCHAR, answerId VARCHAR, answeredAt VARCHAR, provider VARCHAR, entities STRUCT(entityId VARCHAR, kind VARCHAR, mentioned BOOLEAN, mentions INTEGER, rank INTEGER, sentiment DOUBLE)[], citations STRUCT(url VARCHAR, domain VARCHAR, class VARCHAR, entityId VARCHAR)[])'})`,
    { files: listValue(files) } as never,
  );
  const native = ms(t0);
  connection.closeSync();
  db.closeSync();
  console.log(`native read_json of the year (baseline): ${fmt(native)}`);

  let warehouse = await DuckDbWarehouse.create(options);
  t0 = performance.now();
  await warehouse.query('trends', { ...year, page });
  const ndjsonCold = ms(t0);
  console.log(
    `cold year, NDJSON only (before compaction): ${fmt(ndjsonCold)} (${(ndjsonCold / native).toFixed(2)}× native); skipped ${JSON.stringify(warehouse.skipped(TENANT))}`,
  );
  await warehouse.close();

  warehouse = await DuckDbWarehouse.create(options);
  t0 = performance.now();
  const compacted = await warehouse.compactTenant(TENANT, addDays(LAST_DAY, -2));
  console.log(`compaction: ${compacted} segments (months and days) to Parquet in ${fmt(ms(t0))}`);
  await warehouse.close();

  const rows: string[] = [];
  const results: Record<string, { cold: number; p50: number; p95: number; p95q: number }> = {};
  for (const name of ROUTES) {
    warehouse = await DuckDbWarehouse.create(options);
    t0 = performance.now();
    await warehouse.query(name, { ...year, page });
    const cold = ms(t0);
    await warehouse.close();
    results[name] = { cold, p50: 0, p95: 0, p95q: 0 };
  }
  warehouse = await DuckDbWarehouse.create(options);
  t0 = performance.now();
  await warehouse.query('trends', { ...quarter, page });
  const coldQuarter = ms(t0);
  await warehouse.query('trends', { ...year, page });
  for (const name of ROUTES) {
    const timed = async (scope: WarehouseScope) => {
      const times: number[] = [];
      for (let i = 0; i < REPEAT + 3; i++) {
        const t = performance.now();
        await warehouse.query(name, { ...scope, page });
        if (i >= 3) times.push(ms(t));
      }
      return times;
    };
    const y = await timed(year);
    const q = await timed(quarter);
    const r = results[name] as (typeof results)[string];
    Object.assign(r, { p50: percentile(y, 50), p95: percentile(y, 95), p95q: percentile(q, 95) });
    rows.push(
      `| ${name} | ${fmt(r.cold)} | ${(r.cold / native).toFixed(2)}× | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p95q.toFixed(1)} | ${((r.p95 / native) * 100).toFixed(1)} % |`,
    );
  }
  await warehouse.close();
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`cold trends over the last 90 days (Parquet): ${fmt(coldQuarter)}`);
  console.log(
    '| route | cold, year | cold / native | warm p50 ms (year) | warm p95 ms (year) | warm p95 ms (90 d) | warm p95 / native |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  const worstCold = Math.max(...Object.values(results).map((r) => r.cold));
  const worstP95 = Math.max(...Object.values(results).map((r) => r.p95));
  console.log(
    `max RSS ${rss.toFixed(0)} MiB; worst cold ${fmt(worstCold)} (target ≤ 3 s at 1 M: ${worstCold <= 3000 ? 'met' : 'NOT met'}); worst warm p95 ${worstP95.toFixed(1)} ms (target ≤ 150 ms: ${worstP95 <= 150 ? 'met' : 'NOT met'})`,
  );
  rmSync(root, { recursive: true, force: true });
}

const sizeArg = process.argv.indexOf('--size');
if (sizeArg > 0) {
  await runSize(Number(process.argv[sizeArg + 1]));
} else {
  const sizes = (process.env.BENCH_SIZES ?? '20000,200000,1000000').split(',').map(Number);
  console.log(
    `warehouse bench: sizes ${sizes.join(', ')}, memory_limit ${MEMORY_LIMIT}, ${REPEAT} warm queries per route`,
  );
  for (const size of sizes) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1] as string, '--size', String(size)],
      {
        stdio: 'inherit',
      },
    );
    if (child.status !== 0) {
      console.log(`size ${size}: FAILED (exit ${child.status})`);
      process.exitCode = 1;
    }
  }
}
