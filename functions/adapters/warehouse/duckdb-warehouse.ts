import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Types only at the top: the driver is imported when a warehouse is created, so a bundle that carries this adapter
// does not load DuckDB at cold start (esbuild hoists static imports of installed packages to the bundle's top).
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ANALYTICS_ROW_SCHEMAS, type AnalyticsQueryName, type AnalyticsRow } from '#shared/contracts/analytics.ts';
import type { MaterializationReport, Warehouse, WarehouseScope } from '#shared/ports/warehouse.ts';
import { compactTenant } from './duckdb-compaction.ts';
import { appendStaged, copyStagedToParquet, type SkipCounts, stageJson, stageParquet } from './duckdb-lake.ts';
import { listDue, localFiles, newTenantState, planLoad, type Segment, type TenantState } from './duckdb-load-plan.ts';
import { monthEnd, monthStart } from './lake-segments.ts';
import { dayOfKey, type LakeSource } from './lake-source.ts';
import { assertTenantId, DERIVED_TABLES_DDL, materializeSql, sqlFor } from './queries.ts';

export { coverHash } from './lake-segments.ts';
export { directoryLakeSource, type LakeSource, s3LakeSource } from './lake-source.ts';

export interface DuckDbWarehouseOptions {
  source: LakeSource;
  /** `:memory:` or a database file. @default ':memory:' */
  path?: string;
  /**
   * A day of the last two (still receiving answers) is listed again at most this often; older days at most every
   * `settledRefreshMs`. Queries in between use the loaded tables. @default 2000
   */
  refreshIntervalMs?: number;
  /** @default 150 × refreshIntervalMs (5 minutes with the default) */
  settledRefreshMs?: number;
  /** Files fetched in parallel. @default 16 */
  concurrency?: number;
  /** DuckDB's `memory_limit` (e.g. `1GB`): past it DuckDB spills to a temp directory instead of growing. @default '1GB' */
  memoryLimit?: string;
  /** Loaded answers kept across tenants; past it the least recently queried tenants are dropped. @default 5_000_000 */
  maxLoadedAnswers?: number;
  /** The compaction stops starting new days after this long (the next run goes on). @default 600_000 */
  compactionBudgetMs?: number;
  log?: (line: string) => void;
}

/** The three relations `queries.ts` reads; Snowflake's views (snowflake-schema.ts) have the same columns. */
export const DUCKDB_DDL = [
  `CREATE TABLE IF NOT EXISTS answers (tenant_id VARCHAR, brand_id VARCHAR, event_id VARCHAR, answer_id VARCHAR,
    run_id VARCHAR, day VARCHAR, provider VARCHAR, surface VARCHAR, model VARCHAR, locale VARCHAR, prompt_id VARCHAR,
    topic_id VARCHAR, branded BOOLEAN, set_version INTEGER, refusal BOOLEAN)`,
  `CREATE TABLE IF NOT EXISTS answer_entities (tenant_id VARCHAR, event_id VARCHAR, entity_id VARCHAR, kind VARCHAR,
    mentioned BOOLEAN, mentions INTEGER, rank INTEGER, sentiment DOUBLE)`,
  `CREATE TABLE IF NOT EXISTS answer_citations (tenant_id VARCHAR, event_id VARCHAR, url VARCHAR, domain VARCHAR,
    class VARCHAR, entity_id VARCHAR)`,
];

const TABLES = ['answers', 'answer_entities', 'answer_citations'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MEMORY_LIMIT = /^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/** NDJSON files staged per statement (bounds a batch's memory). */
const JSON_BATCH_FILES = 120;

/**
 * The warehouse port on DuckDB (locally, and for small stages). A query loads only the days of its period, each at
 * most once per process: from the compacted Parquet of the tenant/day when it still covers every lake file of the
 * day, else from the day's gzip NDJSON files — both with DuckDB's own readers (duckdb-lake.ts). Loaded days stay in
 * three in-memory tables the shared SQL (`queries.ts`) runs over; a day is listed again after `refreshIntervalMs`
 * (recent days) or `settledRefreshMs`, and only new keys are read. Bad files and lines are skipped and counted
 * (`skipped(tenant)`), never failing the tenant's queries. DuckDB's httpfs is not available offline, so S3 objects
 * are fetched with the AWS SDK into a private temp directory, read, and deleted.
 */
export class DuckDbWarehouse implements Warehouse {
  private readonly tenants = new Map<string, TenantState>();
  private queue: Promise<unknown> = Promise.resolve();
  private listValue!: (items: string[]) => unknown;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: DuckDbWarehouseOptions,
    private readonly cacheDir: string,
  ) {}

  static async create(options: DuckDbWarehouseOptions): Promise<DuckDbWarehouse> {
    const memoryLimit = options.memoryLimit ?? '1GB';
    if (!MEMORY_LIMIT.test(memoryLimit)) throw new Error(`invalid DuckDB memory limit "${memoryLimit}"`);
    const { DuckDBInstance, listValue } = await import('@duckdb/node-api');
    const cacheDir = await mkdtemp(join(tmpdir(), 'pp-warehouse-'));
    const instance = await DuckDBInstance.create(options.path ?? ':memory:', {
      memory_limit: memoryLimit,
      temp_directory: join(cacheDir, 'spill'),
    });
    const connection = await instance.connect();
    for (const statement of [...DUCKDB_DDL, ...DERIVED_TABLES_DDL]) await connection.run(statement);
    const warehouse = new DuckDbWarehouse(instance, connection, options, cacheDir);
    warehouse.listValue = (items) => listValue(items);
    return warehouse;
  }

  async query<N extends AnalyticsQueryName>(name: N, scope: WarehouseScope): Promise<AnalyticsRow<N>[]> {
    assertTenantId(scope.tenantId);
    if (!DAY.test(scope.from) || !DAY.test(scope.to) || scope.from > scope.to) throw new Error('invalid period');
    await this.ensureLoaded(scope.tenantId, scope.from, scope.to);
    const { sql, binds } = sqlFor(name, scope);
    const reader = await this.exclusive(() => this.connection.runAndReadAll(sql, binds));
    const schema = ANALYTICS_ROW_SCHEMAS[name];
    return reader.getRowObjectsJS().map((row) => schema.parse(row) as AnalyticsRow<N>);
  }

  /** Lines and files of the tenant skipped so far by this process, by reason (logged as they happen too). */
  skipped(tenantId: string): SkipCounts {
    return { ...(this.tenants.get(tenantId)?.skipped ?? {}) };
  }

  /**
   * The scheduled job: compacts every tenant's settled days (through `throughDay`) whose Parquet is missing or no
   * longer covers the day's lake files, then rebuilds the derived summary over the days this process has loaded
   * (days it lacks are read raw by the queries, so a partial summary changes cost, not results).
   */
  async materialize(throughDay: string): Promise<MaterializationReport> {
    const started = Date.now();
    const tenants = (await this.options.source.listTenants?.()) ?? [...this.tenants.keys()];
    let visited = 0;
    for (const tenantId of tenants) {
      try {
        assertTenantId(tenantId);
      } catch {
        continue; // not a tenant prefix of ours: never becomes a query scope
      }
      if (Date.now() - started > (this.options.compactionBudgetMs ?? 600_000)) break;
      await this.compactTenant(tenantId, throughDay, started);
      visited++;
    }
    const [empty, fill, clear, mark] = materializeSql('duckdb');
    const summaryRows = await this.exclusive(async () => {
      await this.connection.run(empty);
      await this.connection.run(fill, [throughDay]);
      await this.connection.run(clear);
      await this.connection.run(mark, [throughDay, new Date().toISOString()]);
      const reader = await this.connection.runAndReadAll('SELECT COUNT(*) AS n FROM daily_prompt_summary');
      return Number(reader.getRowObjectsJS()[0]?.n ?? 0);
    });
    return { throughDay, summaryRows, tenants: visited, ms: Date.now() - started };
  }

  /** Compacts one tenant's settled lake into Parquet segments (duckdb-compaction.ts); returns the segments written. */
  async compactTenant(tenantId: string, throughDay: string, started = Date.now()): Promise<number> {
    assertTenantId(tenantId);
    const { source } = this.options;
    if (!source.write) return 0;
    const budget = this.options.compactionBudgetMs ?? 600_000;
    const written = await compactTenant(
      {
        source: source as LakeSource & Required<Pick<LakeSource, 'write'>>,
        scratchDir: this.cacheDir,
        outOfTime: () => Date.now() - started > budget,
        toParquet: async (tenant, keys, paths) => {
          const local = await this.localFiles(keys);
          try {
            const result = await this.exclusive(async () => {
              const skipped = await this.stageJsonSkippingBadFiles(tenant, local.paths);
              if (skipped === null) return null;
              return { skipped, answers: await copyStagedToParquet(this.connection, paths) };
            });
            if (result) this.count(tenant, result.skipped, 'compaction');
            return result;
          } finally {
            await local.release();
          }
        },
      },
      tenantId,
      throughDay,
    );
    if (written > 0) this.options.log?.(`warehouse: compacted ${written} segment(s) of ${tenantId} to Parquet`);
    return written;
  }

  /** Deletes the tenant's rows from every table and forgets what was loaded (workspace purge). */
  async purgeTenant(tenantId: string): Promise<number> {
    assertTenantId(tenantId);
    return this.exclusive(async () => {
      let removed = 0;
      for (const table of [...TABLES, 'daily_prompt_summary']) {
        removed += (await this.connection.run(`DELETE FROM ${table} WHERE tenant_id = ?`, [tenantId])).rowsChanged;
      }
      this.tenants.delete(tenantId);
      return removed;
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => {});
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.cacheDir, { recursive: true, force: true });
  }

  private tenant(tenantId: string): TenantState {
    let state = this.tenants.get(tenantId);
    if (!state) {
      state = newTenantState();
      this.tenants.set(tenantId, state);
    }
    state.lastUsed = Date.now();
    return state;
  }

  /** Loads the period's days not loaded yet (and new keys of days listed again); one load per tenant at a time. */
  private ensureLoaded(tenantId: string, from: string, to: string): Promise<void> {
    const state = this.tenant(tenantId);
    const run = state.lock.then(() => this.load(tenantId, state, from, to));
    state.lock = run.catch(() => {});
    return run;
  }

  private async load(tenantId: string, state: TenantState, from: string, to: string): Promise<void> {
    const started = Date.now();
    // Whole months are listed: a month segment covers its month only if it matches every lake file of the month.
    const recentMs = this.options.refreshIntervalMs ?? 2000;
    const settledMs = this.options.settledRefreshMs ?? recentMs * 150;
    await listDue(
      this.options.source,
      tenantId,
      state,
      { from: monthStart(from), to: monthEnd(to) },
      { recentMs, settledMs },
    );
    const { segments, jsonKeys } = planLoad(tenantId, state, from, to);
    const fromParquet = await this.loadParquet(tenantId, state, segments, jsonKeys);
    const fromJson = await this.loadJson(tenantId, state, jsonKeys);
    if (fromParquet + fromJson > 0) {
      this.options.log?.(
        `warehouse: loaded ${fromParquet} Parquet segment(s) and ${fromJson} lake file(s) of ${tenantId} in ${Date.now() - started} ms`,
      );
      await this.evict(tenantId);
    }
  }

  /** Loads Parquet segments; one that cannot be read goes to the NDJSON path (counted `bad_parquet`). */
  private async loadParquet(
    tenantId: string,
    state: TenantState,
    segments: Segment[],
    jsonKeys: string[],
  ): Promise<number> {
    if (segments.length === 0) return 0;
    const load = async (batch: Segment[]) => {
      const local = await this.localFiles(batch.flatMap((segment) => segment.keys));
      try {
        const byPart = (i: number) => local.paths.filter((_, k) => k % 3 === i);
        await this.exclusive(async () => {
          const files = { answers: byPart(0), entities: byPart(1), citations: byPart(2) };
          await stageParquet(this.connection, tenantId, files, this.listValue);
          const { added } = await appendStaged(this.connection, tenantId, state.answers > 0);
          state.answers += added;
        });
      } finally {
        await local.release();
      }
      for (const day of batch.flatMap((segment) => segment.days)) {
        const d = state.days.get(day);
        for (const key of d?.jsonKeys ?? []) d?.loaded.add(key);
      }
    };
    try {
      await load(segments);
      return segments.length;
    } catch {
      let loaded = 0;
      for (const segment of segments) {
        try {
          await load([segment]);
          loaded++;
        } catch (error) {
          this.count(tenantId, { bad_parquet: 1 }, `Parquet ${segment.keys[0]}: ${(error as Error).message}`);
          jsonKeys.push(...segment.days.flatMap((day) => state.days.get(day)?.jsonKeys ?? []));
        }
      }
      return loaded;
    }
  }

  /** Loads NDJSON files (new keys of their days); files DuckDB cannot read are skipped and counted. */
  private async loadJson(tenantId: string, state: TenantState, keys: string[]): Promise<number> {
    // In key order and in batches: a batch's memory stays bounded, and an earlier file (delivered first) is always
    // loaded before a later one, so the first copy of a duplicated event wins across batches too.
    const sorted = [...keys].sort();
    for (let i = 0; i < sorted.length; i += JSON_BATCH_FILES) {
      await this.loadJsonBatch(tenantId, state, sorted.slice(i, i + JSON_BATCH_FILES));
    }
    return keys.length;
  }

  private async loadJsonBatch(tenantId: string, state: TenantState, keys: string[]): Promise<void> {
    const local = await this.localFiles(keys);
    try {
      await this.exclusive(async () => {
        const skipped = await this.stageJsonSkippingBadFiles(tenantId, local.paths);
        if (skipped === null) return;
        const before = Number(
          (await this.connection.runAndReadAll('SELECT COUNT(*) FROM lake_answers')).getRows()[0]?.[0],
        );
        const { added } = await appendStaged(this.connection, tenantId, state.answers > 0);
        state.answers += added;
        if (before > added) skipped.duplicate = (skipped.duplicate ?? 0) + before - added;
        this.count(tenantId, skipped, 'load');
      });
    } finally {
      await local.release();
    }
    for (const key of keys) {
      const day = dayOfKey(key);
      if (day) state.days.get(day)?.loaded.add(key);
    }
  }

  /**
   * Stages the files in one read; when DuckDB refuses the batch (a file that is not gzip, not NDJSON), reads them
   * one by one to find the bad ones, counts them `unreadable_file` and stages the rest. Null = nothing readable.
   */
  private async stageJsonSkippingBadFiles(tenantId: string, paths: string[]): Promise<SkipCounts | null> {
    try {
      return await stageJson(this.connection, tenantId, paths, this.listValue);
    } catch {
      const good: string[] = [];
      let bad = 0;
      for (const path of paths) {
        try {
          await stageJson(this.connection, tenantId, [path], this.listValue);
          good.push(path);
        } catch (error) {
          bad++;
          this.options.log?.(`warehouse: skipped unreadable lake file ${path}: ${(error as Error).message}`);
        }
      }
      if (good.length === 0) {
        this.count(tenantId, { unreadable_file: bad }, 'load');
        return null;
      }
      const skipped = await stageJson(this.connection, tenantId, good, this.listValue);
      return { ...skipped, unreadable_file: bad };
    }
  }

  private localFiles(keys: string[]) {
    return localFiles(this.options.source, keys, this.cacheDir, this.options.concurrency ?? 16);
  }

  private count(tenantId: string, skipped: SkipCounts, context: string): void {
    const state = this.tenant(tenantId);
    const notable = Object.entries(skipped).filter(([, n]) => (n ?? 0) > 0);
    for (const [reason, n] of notable) {
      const key = reason as keyof SkipCounts;
      state.skipped[key] = (state.skipped[key] ?? 0) + (n ?? 0);
    }
    if (notable.some(([reason]) => reason !== 'duplicate')) {
      this.options.log?.(`warehouse: ${tenantId} ${context} skipped ${JSON.stringify(Object.fromEntries(notable))}`);
    }
  }

  /** Drops the least recently queried tenants' rows while more than `maxLoadedAnswers` are loaded. */
  private async evict(current: string): Promise<void> {
    const cap = this.options.maxLoadedAnswers ?? 5_000_000;
    let total = [...this.tenants.values()].reduce((n, t) => n + t.answers, 0);
    const others = [...this.tenants.entries()]
      .filter(([id]) => id !== current)
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [tenantId, state] of others) {
      if (total <= cap) return;
      await this.exclusive(async () => {
        for (const table of TABLES) await this.connection.run(`DELETE FROM ${table} WHERE tenant_id = ?`, [tenantId]);
      });
      total -= state.answers;
      this.tenants.delete(tenantId);
      this.options.log?.(`warehouse: dropped ${state.answers} loaded answers of ${tenantId} (memory cap)`);
    }
  }

  /** One connection, used by one statement or load at a time. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }
}
