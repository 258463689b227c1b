// Types only at the top: the driver (megabytes) is imported on the first connection, so a bundle that carries this
// adapter does not load it at cold start (esbuild hoists static imports of installed packages to the bundle's top).
import type { Bind, Connection, ConnectionOptions } from 'snowflake-sdk';
import { ANALYTICS_ROW_SCHEMAS, type AnalyticsQueryName, type AnalyticsRow } from '#shared/contracts/analytics.ts';
import {
  type MaterializationReport,
  type Warehouse,
  WarehouseError,
  type WarehouseScope,
} from '#shared/ports/warehouse.ts';
import type { WarehouseEnv } from './index.ts';
import { assertTenantId, DERIVED_TABLES_DDL, MATERIALIZE_SQL, sqlFor } from './queries.ts';

/**
 * The DDL the analytical queries run over (see docs/warehouse.md). Snowpipe (or Firehose's Snowflake destination)
 * copies every lake line into `EVENTS` as-is; three views flatten the deduplicated `answer.analyzed` events into the
 * relations `queries.ts` reads, so Snowflake and DuckDB run the same SQL.
 */
export const SNOWFLAKE_DDL = [
  `CREATE TABLE IF NOT EXISTS EVENTS (
    ID VARCHAR NOT NULL, TYPE VARCHAR NOT NULL, TIME TIMESTAMP_NTZ NOT NULL, TENANTID VARCHAR NOT NULL,
    SUBJECT VARCHAR, DATA VARIANT NOT NULL, FILE_NAME VARCHAR, LOADED_AT TIMESTAMP_LTZ DEFAULT CURRENT_TIMESTAMP()
  ) CLUSTER BY (TENANTID, TO_DATE(TIME))`,
  `CREATE OR REPLACE VIEW ANSWER_EVENTS AS
    SELECT * FROM EVENTS WHERE TYPE = 'promptpulse.answer.analyzed' AND TENANTID = DATA:tenantId::VARCHAR
    QUALIFY ROW_NUMBER() OVER (PARTITION BY TENANTID, ID ORDER BY LOADED_AT) = 1`,
  `CREATE OR REPLACE VIEW answers AS SELECT
    TENANTID AS tenant_id, DATA:brandId::VARCHAR AS brand_id, ID AS event_id, DATA:answerId::VARCHAR AS answer_id,
    DATA:runId::VARCHAR AS run_id, SUBSTR(DATA:answeredAt::VARCHAR, 1, 10) AS day,
    DATA:provider::VARCHAR AS provider, DATA:surface::VARCHAR AS surface, DATA:model::VARCHAR AS model,
    DATA:locale::VARCHAR AS locale, DATA:prompt.id::VARCHAR AS prompt_id, DATA:prompt.topicId::VARCHAR AS topic_id,
    DATA:prompt.branded::BOOLEAN AS branded, DATA:prompt.setVersion::INTEGER AS set_version,
    DATA:refusal::BOOLEAN AS refusal
    FROM ANSWER_EVENTS`,
  `CREATE OR REPLACE VIEW answer_entities AS SELECT
    a.TENANTID AS tenant_id, a.ID AS event_id, f.value:entityId::VARCHAR AS entity_id, f.value:kind::VARCHAR AS kind,
    f.value:mentioned::BOOLEAN AS mentioned, f.value:mentions::INTEGER AS mentions, f.value:rank::INTEGER AS rank,
    f.value:sentiment::DOUBLE AS sentiment
    FROM ANSWER_EVENTS a, LATERAL FLATTEN(input => a.DATA:entities) f`,
  `CREATE OR REPLACE VIEW answer_citations AS SELECT
    a.TENANTID AS tenant_id, a.ID AS event_id, f.value:url::VARCHAR AS url, f.value:domain::VARCHAR AS domain,
    f.value:class::VARCHAR AS class, f.value:entityId::VARCHAR AS entity_id
    FROM ANSWER_EVENTS a, LATERAL FLATTEN(input => a.DATA:citations) f`,
] as const;

type SnowflakeEnv = Extract<WarehouseEnv, { WAREHOUSE: 'snowflake' }>;

/**
 * The warehouse port on Snowflake (production). One connection per container, opened on first use and reopened when
 * it drops; every query binds the scope (tenant id first) with `?` binds.
 */
export class SnowflakeWarehouse implements Warehouse {
  private connection: Promise<Connection> | null = null;

  constructor(private readonly options: ConnectionOptions) {}

  static fromConfig(config: SnowflakeEnv): SnowflakeWarehouse {
    return new SnowflakeWarehouse({
      account: config.SNOWFLAKE_ACCOUNT,
      username: config.SNOWFLAKE_USERNAME,
      ...(config.SNOWFLAKE_PRIVATE_KEY
        ? { authenticator: 'SNOWFLAKE_JWT', privateKey: config.SNOWFLAKE_PRIVATE_KEY }
        : config.SNOWFLAKE_PASSWORD
          ? { password: config.SNOWFLAKE_PASSWORD }
          : {}),
      warehouse: config.SNOWFLAKE_WAREHOUSE,
      database: config.SNOWFLAKE_DATABASE,
      schema: config.SNOWFLAKE_SCHEMA,
      ...(config.SNOWFLAKE_ROLE ? { role: config.SNOWFLAKE_ROLE } : {}),
      application: 'PromptPulse',
    });
  }

  async query<N extends AnalyticsQueryName>(name: N, scope: WarehouseScope): Promise<AnalyticsRow<N>[]> {
    assertTenantId(scope.tenantId);
    const { sql, binds } = sqlFor(name, scope);
    const rows = await this.execute(sql, binds);
    const schema = ANALYTICS_ROW_SCHEMAS[name];
    return rows.map((row) => schema.parse(row) as AnalyticsRow<N>);
  }

  /** Creates the table, views and derived tables (idempotent); run by the deployment, not per request. */
  async migrate(): Promise<void> {
    for (const statement of [...SNOWFLAKE_DDL, ...DERIVED_TABLES_DDL]) await this.execute(statement, []);
  }

  /** The same rebuild as DuckDB's, over the views (Snowpipe keeps `EVENTS` current, so nothing to load first). */
  async materialize(throughDay: string): Promise<MaterializationReport> {
    const started = Date.now();
    const [rebuild, clear, mark] = MATERIALIZE_SQL;
    await this.execute(rebuild, [throughDay]);
    await this.execute(clear, []);
    await this.execute(mark, [throughDay, new Date().toISOString()]);
    const [count] = await this.execute('SELECT COUNT(*) AS "n" FROM daily_prompt_summary', []);
    return { throughDay, summaryRows: Number(count?.n ?? 0), tenants: 0, ms: Date.now() - started };
  }

  async close(): Promise<void> {
    const open = this.connection;
    this.connection = null;
    if (!open) return;
    const connection = await open.catch(() => null);
    if (!connection?.isUp()) return;
    await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  }

  private async connect(): Promise<Connection> {
    if (this.connection) {
      const existing = await this.connection.catch(() => null);
      if (existing?.isUp()) return existing;
    }
    this.connection = import('snowflake-sdk')
      .then(({ default: snowflake }) => snowflake.createConnection(this.options).connectAsync())
      .catch((error: unknown) => {
        this.connection = null;
        throw new WarehouseError('could not connect to Snowflake', { cause: error });
      });
    return this.connection;
  }

  private async execute(sqlText: string, binds: Bind[]): Promise<Record<string, unknown>[]> {
    const connection = await this.connect();
    return new Promise((resolve, reject) => {
      connection.execute({
        sqlText,
        binds,
        complete: (error, _statement, rows) => {
          if (error) reject(new WarehouseError('a Snowflake query failed', { cause: error }));
          else resolve((rows ?? []) as Record<string, unknown>[]);
        },
      });
    });
  }
}
