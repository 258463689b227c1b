/**
 * The Snowflake side of the warehouse: the raw table both loading paths write and the views the analytical queries
 * (`queries.ts`) read. No driver import here: the CDK app imports these names so the Firehose destination and the
 * adapter's DDL cannot drift apart (test/infra/snowflake-warehouse.test.ts).
 *
 * One row per canonical event as delivered, in two VARIANT columns:
 * - `EVENT`: the whole CloudEvent (`specversion`, `id`, `type`, `time`, `tenantid`, `data`, ...), what Firehose's
 *   Snowflake destination writes as its content column and what a Snowpipe `COPY ... SELECT $1` writes;
 * - `METADATA`: Firehose's record metadata (`IngestionTime`, `kinesisSequenceNumber`, ...), or the lake file and line
 *   a Snowpipe COPY loaded the row from; used only to keep the first delivered copy of a duplicated event.
 *
 * Why no `LOADED_AT ... DEFAULT CURRENT_TIMESTAMP()`: Snowpipe Streaming, which Firehose uses, refuses tables with
 * default-valued, AUTOINCREMENT or IDENTITY columns, so the arrival time comes from the loader's metadata instead.
 */

/** Table name used when the deployment does not name another (CDK context `snowflakeTable`, env `SNOWFLAKE_TABLE`). */
export const SNOWFLAKE_DEFAULT_TABLE = 'EVENTS';
/** The VARIANT column holding the whole CloudEvent (Firehose `ContentColumnName`). */
export const SNOWFLAKE_EVENT_COLUMN = 'EVENT';
/** The VARIANT column holding the loader's metadata (Firehose `MetaDataColumnName`). */
export const SNOWFLAKE_METADATA_COLUMN = 'METADATA';
/** Firehose's loading option that writes exactly those two columns. */
export const SNOWFLAKE_DATA_LOADING_OPTION = 'VARIANT_CONTENT_AND_METADATA_MAPPING';

/** An unquoted Snowflake identifier: the only table names ever spliced into DDL. */
export const SNOWFLAKE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

const ANSWER_TYPE = 'promptpulse.answer.analyzed';

/**
 * The delivery order of a raw row, as plain typed columns (what {@link FIRST_DELIVERED} sorts on):
 * - `DELIVERED_MS`: Firehose's `IngestionTime` as a number (epoch milliseconds), read with TRY_TO_NUMBER so a number
 *   is never sent through a timestamp parser that guesses its scale; an ISO text, should Firehose write one, is
 *   parsed as a timestamp with its zone and turned into epoch milliseconds, the same scale;
 * - `DELIVERY_FILE`, `DELIVERY_ROW`: the lake file and line a Snowpipe COPY loaded the row from
 *   ({@link snowpipeCopySql}): a later file (Firehose names carry the delivery time) or a later line loses;
 * - `DELIVERY_SEQ`: the Kinesis sequence number (Firehose from the stream), zero-padded text: up to 128 bits, too long
 *   for NUMBER(38), and ordered within a shard;
 * - `CONTENT_HASH`: the last resort between copies with no delivery metadata at all (identical copies, in practice).
 */
const DELIVERY_COLUMNS = (m: string, e: string) =>
  `COALESCE(TRY_TO_NUMBER(${m}:IngestionTime::VARCHAR),
        DATE_PART(EPOCH_MILLISECOND, TRY_TO_TIMESTAMP_TZ(${m}:IngestionTime::VARCHAR))) AS DELIVERED_MS,
      ${m}:file::VARCHAR AS DELIVERY_FILE, TRY_TO_NUMBER(${m}:row::VARCHAR) AS DELIVERY_ROW,
      LPAD(${m}:kinesisSequenceNumber::VARCHAR, 64, '0') AS DELIVERY_SEQ, HASH(${e}) AS CONTENT_HASH`;

/**
 * First delivered wins: one row per (tenant, event id), the earliest by the delivery columns, a copy without a value
 * after every copy with one. Written in the SQL DuckDB and Snowflake share (QUALIFY, ROW_NUMBER, NULLS LAST), so the
 * rule is tested on DuckDB with this very text (test/unit/warehouse/snowflake-dedupe.test.ts).
 */
export const FIRST_DELIVERED = `QUALIFY ROW_NUMBER() OVER (
      PARTITION BY TENANT_ID, EVENT_ID
      ORDER BY DELIVERED_MS ASC NULLS LAST, DELIVERY_FILE ASC NULLS LAST, DELIVERY_ROW ASC NULLS LAST,
        DELIVERY_SEQ ASC NULLS LAST, CONTENT_HASH ASC
    ) = 1`;

function checkedTable(table: string): string {
  if (!SNOWFLAKE_IDENTIFIER.test(table)) throw new Error(`"${table}" is not a Snowflake identifier`);
  return table;
}

/**
 * The DDL, in order: the raw table, the deduplicated answer events, and the three relations `queries.ts` reads
 * (`answers`, `answer_entities`, `answer_citations`, the same columns DuckDB's tables have).
 *
 * `ANSWER_EVENTS` mirrors what the DuckDB adapter loads from the lake: CloudEvents 1.0 `promptpulse.answer.analyzed`
 * events whose `tenantid` extension attribute is a tenant id equal to `data.tenantId` (parseCanonicalEvent's rule) and
 * whose answer fields are present, then ONE row per (tenant, event id) — a replay or a re-analysis counts once. The
 * filter runs before the deduplication, as in DuckDB, so an invalid copy never hides a valid one; the copy kept is the
 * first delivered ({@link FIRST_DELIVERED}), as DuckDB keeps the first lake file's copy.
 *
 * Views are `COPY GRANTS` so re-running the migration keeps the query role's SELECT grants.
 */
export function snowflakeDdl(table: string = SNOWFLAKE_DEFAULT_TABLE): string[] {
  const t = checkedTable(table);
  const e = SNOWFLAKE_EVENT_COLUMN;
  const m = SNOWFLAKE_METADATA_COLUMN;
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (${e} VARIANT NOT NULL, ${m} VARIANT)
    CLUSTER BY (${e}:tenantid::VARCHAR, SUBSTR(${e}:time::VARCHAR, 1, 10))`,
    `CREATE OR REPLACE VIEW ANSWER_EVENTS COPY GRANTS AS
    SELECT TENANT_ID, EVENT_ID, DATA FROM (
    SELECT ${e}:tenantid::VARCHAR AS TENANT_ID, ${e}:id::VARCHAR AS EVENT_ID, ${e}:data AS DATA,
      ${DELIVERY_COLUMNS(m, e)}
    FROM ${t}
    WHERE ${e}:specversion::VARCHAR = '1.0'
      AND ${e}:type::VARCHAR = '${ANSWER_TYPE}'
      AND ${e}:id::VARCHAR IS NOT NULL
      AND REGEXP_LIKE(${e}:tenantid::VARCHAR, 'ws_[0-9a-hjkmnp-tv-z]{26}')
      AND ${e}:tenantid::VARCHAR = ${e}:data.tenantId::VARCHAR
      AND ${e}:data.answerId::VARCHAR IS NOT NULL AND ${e}:data.answeredAt::VARCHAR IS NOT NULL
      AND IS_ARRAY(${e}:data.entities) AND IS_ARRAY(${e}:data.citations)
    ) d
    ${FIRST_DELIVERED}`,
    `CREATE OR REPLACE VIEW answers COPY GRANTS AS SELECT
    TENANT_ID AS tenant_id, DATA:brandId::VARCHAR AS brand_id, EVENT_ID AS event_id, DATA:answerId::VARCHAR AS answer_id,
    DATA:runId::VARCHAR AS run_id, SUBSTR(DATA:answeredAt::VARCHAR, 1, 10) AS day,
    DATA:provider::VARCHAR AS provider, DATA:surface::VARCHAR AS surface, DATA:model::VARCHAR AS model,
    DATA:locale::VARCHAR AS locale, DATA:prompt.id::VARCHAR AS prompt_id, DATA:prompt.topicId::VARCHAR AS topic_id,
    DATA:prompt.branded::BOOLEAN AS branded, DATA:prompt.setVersion::INTEGER AS set_version,
    DATA:refusal::BOOLEAN AS refusal
    FROM ANSWER_EVENTS`,
    `CREATE OR REPLACE VIEW answer_entities COPY GRANTS AS SELECT
    a.TENANT_ID AS tenant_id, a.EVENT_ID AS event_id, f.value:entityId::VARCHAR AS entity_id,
    f.value:kind::VARCHAR AS kind, f.value:mentioned::BOOLEAN AS mentioned, f.value:mentions::INTEGER AS mentions,
    f.value:rank::INTEGER AS rank, f.value:sentiment::DOUBLE AS sentiment
    FROM ANSWER_EVENTS a, LATERAL FLATTEN(input => a.DATA:entities) f`,
    `CREATE OR REPLACE VIEW answer_citations COPY GRANTS AS SELECT
    a.TENANT_ID AS tenant_id, a.EVENT_ID AS event_id, f.value:url::VARCHAR AS url, f.value:domain::VARCHAR AS domain,
    f.value:class::VARCHAR AS class, f.value:entityId::VARCHAR AS entity_id
    FROM ANSWER_EVENTS a, LATERAL FLATTEN(input => a.DATA:citations) f`,
  ];
}

/**
 * The Snowpipe alternative to Firehose (docs/warehouse.md): the pipe's COPY from a stage over the lake's gzip NDJSON
 * files, writing each line, the whole CloudEvent, as `EVENT`, and where it came from (file, line) as `METADATA`, so
 * the views keep the first delivered copy of a duplicated id as they do for Firehose's rows (file names order by
 * delivery time: Firehose puts it in them).
 */
export function snowpipeCopySql(stage: string, table: string = SNOWFLAKE_DEFAULT_TABLE): string {
  const t = checkedTable(table);
  if (!SNOWFLAKE_IDENTIFIER.test(stage)) throw new Error(`"${stage}" is not a Snowflake identifier`);
  return `COPY INTO ${t} (${SNOWFLAKE_EVENT_COLUMN}, ${SNOWFLAKE_METADATA_COLUMN})
  FROM (SELECT $1, OBJECT_CONSTRUCT('file', METADATA$FILENAME, 'row', METADATA$FILE_ROW_NUMBER) FROM @${stage})
  PATTERN = '.*/events/type=.*/dt=.*/.*[.]json[.]gz'`;
}
