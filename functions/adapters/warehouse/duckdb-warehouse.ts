import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
// Types only at the top: the driver is imported when a warehouse is created, so a bundle that carries this adapter
// does not load DuckDB at cold start (esbuild hoists static imports of installed packages to the bundle's top).
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ANALYTICS_ROW_SCHEMAS, type AnalyticsQueryName, type AnalyticsRow } from '#shared/contracts/analytics.ts';
import { parseCanonicalEvent } from '#shared/events/schemas.ts';
import {
  type MaterializationReport,
  type Warehouse,
  WarehouseError,
  type WarehouseScope,
} from '#shared/ports/warehouse.ts';
import { assertTenantId, DERIVED_TABLES_DDL, MATERIALIZE_SQL, sqlFor } from './queries.ts';

const ANSWER_TYPE = 'promptpulse.answer.analyzed';

/** Where the lake files are: S3 (s3rver locally) in the app, an in-memory map in unit tests. */
export interface LakeSource {
  /** Keys of the tenant's `answer.analyzed` lake files. */
  listAnswerFiles(tenantId: string): Promise<string[]>;
  /** The raw (gzip-compressed NDJSON) bytes of one file. */
  read(key: string): Promise<Uint8Array>;
  /** Every tenant with lake files (the materialization loads them all first). */
  listTenants?(): Promise<string[]>;
}

/** The production lake layout in a bucket: `tenants/<t>/events/type=promptpulse.answer.analyzed/dt=…/*.json.gz`. */
export function s3LakeSource(s3: S3Client, bucket: string): LakeSource {
  return {
    async listAnswerFiles(tenantId) {
      const prefix = `tenants/${tenantId}/events/type=${ANSWER_TYPE}/`;
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const object of page.Contents ?? []) if (object.Key?.endsWith('.json.gz')) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async listTenants() {
      const tenants: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: 'tenants/',
            Delimiter: '/',
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const prefix of page.CommonPrefixes ?? []) {
          const tenant = prefix.Prefix?.slice('tenants/'.length, -1);
          if (tenant) tenants.push(tenant);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return tenants;
    },
    async read(key) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!object.Body) throw new WarehouseError(`lake object ${key} has no body`);
      return object.Body.transformToByteArray();
    },
  };
}

export interface DuckDbWarehouseOptions {
  source: LakeSource;
  /** `:memory:` or a database file. @default ':memory:' */
  path?: string;
  /** A tenant's file list is re-read at most this often; queries in between use the cached tables. @default 2000 */
  refreshIntervalMs?: number;
  /** Files fetched in parallel during a refresh. @default 8 */
  concurrency?: number;
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

interface TenantCache {
  files: Set<string>;
  events: Set<string>;
  refreshedAt: number;
  refreshing: Promise<void> | null;
}

/**
 * The warehouse port on DuckDB, the local stand-in for Snowflake. DuckDB's httpfs extension is not available offline,
 * so a tenant's lake files are listed and fetched with the S3 client, gunzipped, deduplicated on the event id (a
 * re-analysis lands in the lake again under the same id) and appended to three flattened tables. Each tenant is
 * loaded on its first query and then refreshed incrementally by object key; the analytical SQL is the one Snowflake
 * runs (`queries.ts`).
 */
export class DuckDbWarehouse implements Warehouse {
  private readonly tenants = new Map<string, TenantCache>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: DuckDbWarehouseOptions,
  ) {}

  static async create(options: DuckDbWarehouseOptions): Promise<DuckDbWarehouse> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(options.path ?? ':memory:');
    const connection = await instance.connect();
    for (const statement of [...DUCKDB_DDL, ...DERIVED_TABLES_DDL]) await connection.run(statement);
    return new DuckDbWarehouse(instance, connection, options);
  }

  async query<N extends AnalyticsQueryName>(name: N, scope: WarehouseScope): Promise<AnalyticsRow<N>[]> {
    assertTenantId(scope.tenantId);
    await this.refresh(scope.tenantId);
    const { sql, binds } = sqlFor(name, scope);
    const reader = await this.exclusive(() => this.connection.runAndReadAll(sql, binds));
    const schema = ANALYTICS_ROW_SCHEMAS[name];
    return reader.getRowObjectsJS().map((row) => schema.parse(row) as AnalyticsRow<N>);
  }

  /**
   * Loads every tenant's new lake files (all tenants, not only those queried so far), then rebuilds the derived
   * tables in one exclusive step, so no query sees a half-built summary.
   */
  async materialize(throughDay: string): Promise<MaterializationReport> {
    const started = Date.now();
    const tenants = (await this.options.source.listTenants?.()) ?? [...this.tenants.keys()];
    let loaded = 0;
    for (const tenantId of tenants) {
      try {
        assertTenantId(tenantId);
      } catch {
        continue; // not a tenant prefix of ours: never becomes a query scope
      }
      await this.refresh(tenantId, true);
      loaded++;
    }
    const [rebuild, clear, mark] = MATERIALIZE_SQL;
    const summaryRows = await this.exclusive(async () => {
      await this.connection.run(rebuild, [throughDay]);
      await this.connection.run(clear);
      await this.connection.run(mark, [throughDay, new Date().toISOString()]);
      const reader = await this.connection.runAndReadAll('SELECT COUNT(*) AS n FROM daily_prompt_summary');
      return Number(reader.getRowObjectsJS()[0]?.n ?? 0);
    });
    return { throughDay, summaryRows, tenants: loaded, ms: Date.now() - started };
  }

  /** Deletes the tenant's rows from every table and forgets which lake files were loaded (workspace purge). */
  async purgeTenant(tenantId: string): Promise<number> {
    assertTenantId(tenantId);
    return this.exclusive(async () => {
      let removed = 0;
      for (const table of ['answers', 'answer_entities', 'answer_citations', 'daily_prompt_summary']) {
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
  }

  /** Loads the tenant's lake files not seen yet (all of them on first use). */
  async refresh(tenantId: string, force = false): Promise<void> {
    let cache = this.tenants.get(tenantId);
    if (!cache) {
      cache = { files: new Set(), events: new Set(), refreshedAt: 0, refreshing: null };
      this.tenants.set(tenantId, cache);
    }
    if (cache.refreshing) return cache.refreshing;
    const interval = this.options.refreshIntervalMs ?? 2000;
    if (!force && cache.refreshedAt > 0 && Date.now() - cache.refreshedAt < interval) return;
    const current = cache;
    current.refreshing = this.load(tenantId, current).finally(() => {
      current.refreshing = null;
    });
    return current.refreshing;
  }

  private async load(tenantId: string, cache: TenantCache): Promise<void> {
    const started = Date.now();
    let keys: string[];
    try {
      keys = (await this.options.source.listAnswerFiles(tenantId)).filter((k) => !cache.files.has(k)).sort();
    } catch (error) {
      throw new WarehouseError('the lake could not be listed', { cause: error });
    }
    const concurrency = this.options.concurrency ?? 8;
    for (let i = 0; i < keys.length; i += concurrency) {
      const chunk = keys.slice(i, i + concurrency);
      const bodies = await Promise.all(chunk.map((key) => this.options.source.read(key)));
      await this.exclusive(() => this.append(tenantId, cache, bodies));
      for (const key of chunk) cache.files.add(key);
    }
    cache.refreshedAt = Date.now();
    if (keys.length > 0) {
      this.options.log?.(`warehouse: loaded ${keys.length} lake file(s) of ${tenantId} in ${Date.now() - started} ms`);
    }
  }

  private async append(tenantId: string, cache: TenantCache, bodies: Uint8Array[]): Promise<void> {
    const answers = await this.connection.createAppender('answers');
    const entities = await this.connection.createAppender('answer_entities');
    const citations = await this.connection.createAppender('answer_citations');
    try {
      for (const body of bodies) {
        for (const line of gunzipSync(body).toString('utf8').split('\n')) {
          if (!line.trim()) continue;
          const parsed = parseCanonicalEvent(line);
          // The lake keeps what Firehose was given; only valid answer events of this tenant are loaded.
          if (!parsed.ok || parsed.event.type !== ANSWER_TYPE || parsed.event.tenantid !== tenantId) continue;
          const { id, data } = parsed.event;
          if (cache.events.has(id)) continue;
          cache.events.add(id);
          row(answers, 'vvvvvvvvvvvvbib', [
            tenantId,
            data.brandId,
            id,
            data.answerId,
            data.runId,
            data.answeredAt.slice(0, 10),
            data.provider,
            data.surface,
            data.model,
            data.locale,
            data.prompt.id,
            data.prompt.topicId,
            data.prompt.branded,
            data.prompt.setVersion,
            data.refusal,
          ]);
          for (const e of data.entities) {
            row(entities, 'vvvvbiid', [tenantId, id, e.entityId, e.kind, e.mentioned, e.mentions, e.rank, e.sentiment]);
          }
          for (const c of data.citations) {
            row(citations, 'vvvvvv', [tenantId, id, c.url, c.domain, c.class, c.entityId]);
          }
        }
      }
      answers.flushSync();
      entities.flushSync();
      citations.flushSync();
    } finally {
      answers.closeSync();
      entities.closeSync();
      citations.closeSync();
    }
  }

  /** One connection, used by one statement or load at a time. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }
}

/** Appends one row; `types` has one letter per column: v = VARCHAR, b = BOOLEAN, i = INTEGER, d = DOUBLE. */
function row(appender: DuckDBAppender, types: string, values: (string | number | boolean | null)[]): void {
  values.forEach((value, i) => {
    if (value === null) appender.appendNull();
    else if (types[i] === 'b') appender.appendBoolean(Boolean(value));
    else if (types[i] === 'i') appender.appendInteger(Number(value));
    else if (types[i] === 'd') appender.appendDouble(Number(value));
    else appender.appendVarchar(String(value));
  });
  appender.endRow();
}
