import type { DuckDBConnection } from '@duckdb/node-api';
import { ANSWER_TYPE } from './lake-source.ts';

/**
 * How DuckDB reads the lake, with its own readers only (no line-by-line JSON in Node):
 *
 * - the gzip NDJSON files of some tenant/days → `read_json` with explicit columns (only what the queries use;
 *   unknown fields are never parsed into values), `ignore_errors` so a malformed line becomes a row of NULLs that the
 *   checks below count and drop instead of failing the read;
 * - the compacted Parquet of a tenant/day (`tenants/<t>/serving/v1/dt=<day>/{answers,entities,citations}.parquet`)
 *   → `read_parquet` with the same columns as the served tables.
 *
 * A batch is staged into three temp tables (`lake_answers`, `lake_entities`, `lake_citations`): valid answer events
 * of the bound tenant whose answer day is the partition's day, one row per event id (the first copy delivered: the
 * earliest file — Firehose names files by delivery time — then the earliest line). The same staging feeds the
 * in-memory served tables and the compaction to Parquet, so both apply one rule.
 *
 * Every value is bound (file lists included); the only literals are the cache paths of COPY … TO, built from a
 * checked tenant id, a checked day and fixed file names.
 */

/** The explicit columns read from each NDJSON line. */
const JSON_COLUMNS = `{specversion: 'VARCHAR', id: 'VARCHAR', type: 'VARCHAR', tenantid: 'VARCHAR',
  data: 'STRUCT(tenantId VARCHAR, brandId VARCHAR, runId VARCHAR, answerId VARCHAR, answeredAt VARCHAR,
    provider VARCHAR, surface VARCHAR, model VARCHAR, locale VARCHAR, refusal BOOLEAN,
    prompt STRUCT(id VARCHAR, topicId VARCHAR, branded BOOLEAN, setVersion INTEGER),
    entities STRUCT(entityId VARCHAR, kind VARCHAR, mentioned BOOLEAN, mentions INTEGER, rank INTEGER, sentiment DOUBLE)[],
    citations STRUCT(url VARCHAR, domain VARCHAR, class VARCHAR, entityId VARCHAR)[])'}`;

/** Why a staged line was not loaded (counted per tenant, never an error of the query). */
export type SkipReason =
  | 'unreadable_file'
  | 'bad_parquet'
  | 'malformed_line'
  | 'other_type'
  | 'other_tenant'
  | 'invalid_event'
  | 'day_outside_partition'
  | 'duplicate';

const STAGE_LINES = `CREATE OR REPLACE TEMP TABLE lake_lines AS
SELECT filename, row_number() OVER () AS ord, specversion, id, type, tenantid, data
FROM read_json($files, columns = ${JSON_COLUMNS}, format = 'newline_delimited', compression = 'gzip',
  ignore_errors = true, filename = true)`;

const CHECK_LINES = `CREATE OR REPLACE TEMP TABLE lake_checked AS
SELECT *, CASE
  WHEN id IS NULL AND type IS NULL AND specversion IS NULL AND tenantid IS NULL THEN 'malformed_line'
  WHEN type IS DISTINCT FROM '${ANSWER_TYPE}' THEN 'other_type'
  WHEN tenantid IS DISTINCT FROM $tenant THEN 'other_tenant'
  WHEN specversion IS DISTINCT FROM '1.0' OR id IS NULL OR data IS NULL OR data.tenantId IS DISTINCT FROM tenantid
    OR data.brandId IS NULL OR data.answerId IS NULL OR data.runId IS NULL OR data.answeredAt IS NULL
    OR data.provider IS NULL OR data.surface IS NULL OR data.locale IS NULL OR data.refusal IS NULL
    OR data.prompt.id IS NULL OR data.prompt.branded IS NULL OR data.prompt.setVersion IS NULL
    OR data.entities IS NULL OR data.citations IS NULL THEN 'invalid_event'
  WHEN substr(data.answeredAt, 1, 10) IS DISTINCT FROM regexp_extract(filename, '/dt=([0-9]{4}-[0-9]{2}-[0-9]{2})/', 1)
    THEN 'day_outside_partition'
  WHEN row_number() OVER (PARTITION BY id ORDER BY filename, ord) > 1 THEN 'duplicate'
  END AS reason
FROM lake_lines`;

/** The served columns of the three tables, in DUCKDB_DDL's order. */
export const ANSWER_COLUMNS =
  'tenant_id, brand_id, event_id, answer_id, run_id, day, provider, surface, model, locale, prompt_id, topic_id, branded, set_version, refusal';
export const ENTITY_COLUMNS = 'tenant_id, event_id, entity_id, kind, mentioned, mentions, rank, sentiment';
export const CITATION_COLUMNS = 'tenant_id, event_id, url, domain, class, entity_id';

const FLATTEN = [
  `CREATE OR REPLACE TEMP TABLE lake_answers AS
SELECT tenantid AS tenant_id, data.brandId AS brand_id, id AS event_id, data.answerId AS answer_id, data.runId AS run_id,
  substr(data.answeredAt, 1, 10) AS day, data.provider AS provider, data.surface AS surface, data.model AS model,
  data.locale AS locale, data.prompt.id AS prompt_id, data.prompt.topicId AS topic_id, data.prompt.branded AS branded,
  data.prompt.setVersion AS set_version, data.refusal AS refusal
FROM lake_checked WHERE reason IS NULL ORDER BY day, event_id`,
  `CREATE OR REPLACE TEMP TABLE lake_entities AS
SELECT tenant_id, event_id, e.entityId AS entity_id, e.kind AS kind, e.mentioned AS mentioned, e.mentions AS mentions,
  e.rank AS rank, e.sentiment AS sentiment
FROM (SELECT tenantid AS tenant_id, id AS event_id, unnest(data.entities) AS e FROM lake_checked WHERE reason IS NULL)`,
  `CREATE OR REPLACE TEMP TABLE lake_citations AS
SELECT tenant_id, event_id, c.url AS url, c.domain AS domain, c.class AS class, c.entityId AS entity_id
FROM (SELECT tenantid AS tenant_id, id AS event_id, unnest(data.citations) AS c FROM lake_checked WHERE reason IS NULL)`,
];

const STAGE_PARQUET = [
  `CREATE OR REPLACE TEMP TABLE lake_answers AS SELECT ${ANSWER_COLUMNS} FROM read_parquet($answers) WHERE tenant_id = $tenant`,
  `CREATE OR REPLACE TEMP TABLE lake_entities AS SELECT ${ENTITY_COLUMNS} FROM read_parquet($entities) WHERE tenant_id = $tenant`,
  `CREATE OR REPLACE TEMP TABLE lake_citations AS SELECT ${CITATION_COLUMNS} FROM read_parquet($citations) WHERE tenant_id = $tenant`,
];

export type SkipCounts = Partial<Record<SkipReason, number>>;

/** Stages NDJSON files of one tenant; returns the lines skipped by reason (`duplicate` among them). */
export async function stageJson(
  connection: DuckDBConnection,
  tenantId: string,
  files: string[],
  listValue: (items: string[]) => unknown,
): Promise<SkipCounts> {
  await connection.run(STAGE_LINES, { files: listValue(files) } as never);
  await connection.run(CHECK_LINES, { tenant: tenantId });
  for (const statement of FLATTEN) await connection.run(statement);
  const reader = await connection.runAndReadAll(
    'SELECT reason, COUNT(*) AS n FROM lake_checked WHERE reason IS NOT NULL GROUP BY reason',
  );
  const skipped: SkipCounts = {};
  for (const row of reader.getRowObjectsJS()) skipped[row.reason as SkipReason] = Number(row.n);
  return skipped;
}

/** Stages compacted Parquet of one tenant (three file lists, one per table). */
export async function stageParquet(
  connection: DuckDBConnection,
  tenantId: string,
  files: { answers: string[]; entities: string[]; citations: string[] },
  listValue: (items: string[]) => unknown,
): Promise<void> {
  const [answers, entities, citations] = STAGE_PARQUET as [string, string, string];
  await connection.run(answers, { answers: listValue(files.answers), tenant: tenantId } as never);
  await connection.run(entities, { entities: listValue(files.entities), tenant: tenantId } as never);
  await connection.run(citations, { citations: listValue(files.citations), tenant: tenantId } as never);
}

/**
 * Moves the staged rows into the served tables, leaving out event ids the tenant already has there (a copy loaded
 * from another file earlier wins: it was delivered first); returns the answers added and the duplicates left out.
 */
export async function appendStaged(
  connection: DuckDBConnection,
  tenantId: string,
  tenantHasRows: boolean,
): Promise<{ added: number; duplicates: number }> {
  if (tenantHasRows) {
    await connection.run(
      `DELETE FROM lake_answers la WHERE EXISTS
        (SELECT 1 FROM answers a WHERE a.tenant_id = $tenant AND a.event_id = la.event_id)`,
      { tenant: tenantId },
    );
  }
  const before = Number((await connection.runAndReadAll('SELECT COUNT(*) AS n FROM lake_answers')).getRows()[0]?.[0]);
  await connection.run(`INSERT INTO answers (${ANSWER_COLUMNS}) SELECT ${ANSWER_COLUMNS} FROM lake_answers`);
  const keep = tenantHasRows ? ' WHERE event_id IN (SELECT event_id FROM lake_answers)' : '';
  await connection.run(
    `INSERT INTO answer_entities (${ENTITY_COLUMNS}) SELECT ${ENTITY_COLUMNS} FROM lake_entities${keep}`,
  );
  await connection.run(
    `INSERT INTO answer_citations (${CITATION_COLUMNS}) SELECT ${CITATION_COLUMNS} FROM lake_citations${keep}`,
  );
  return { added: before, duplicates: 0 };
}

/** Writes the staged rows of one tenant/day as three Parquet files (zstd) at the given local paths. */
export async function copyStagedToParquet(
  connection: DuckDBConnection,
  paths: { answers: string; entities: string; citations: string },
): Promise<number> {
  const literal = (path: string) => {
    if (!/^[A-Za-z0-9_./=+-]+$/.test(path)) throw new Error('unexpected characters in a cache path');
    return `'${path}'`;
  };
  await connection.run(
    `COPY (SELECT * FROM lake_answers ORDER BY day, event_id) TO ${literal(paths.answers)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  await connection.run(
    `COPY (SELECT * FROM lake_entities ORDER BY event_id) TO ${literal(paths.entities)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  await connection.run(
    `COPY (SELECT * FROM lake_citations ORDER BY event_id) TO ${literal(paths.citations)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  return Number((await connection.runAndReadAll('SELECT COUNT(*) FROM lake_answers')).getRows()[0]?.[0]);
}
