import type { AnalyticsQueryName } from '#shared/contracts/analytics.ts';
import type { WarehouseScope } from '#shared/ports/warehouse.ts';
import { afterClause, orderBy } from './page-keys.ts';

/**
 * The named analytical queries, written once in the SQL that DuckDB and Snowflake share, over three relations
 * both adapters provide (DuckDB as tables loaded from the lake, Snowflake as views over the raw events table):
 *
 * - `answers` (one row per deduplicated `answer.analyzed` event): tenant_id, brand_id, event_id, answer_id,
 *   run_id, day (`YYYY-MM-DD` text of the answer time), provider, surface, model, locale, prompt_id, topic_id,
 *   branded, set_version, refusal;
 * - `answer_entities` (one row per tracked entity per answer): tenant_id, event_id, entity_id, kind, mentioned,
 *   mentions, rank, sentiment;
 * - `answer_citations` (one row per citation): tenant_id, event_id, url, domain, class, entity_id.
 *
 * Every value, the tenant id first, is a positional `?` bind (both engines accept them); no text from a request is
 * ever spliced into SQL. Aliases are quoted so Snowflake keeps their case and rows parse with the zod row schemas.
 */
const SCOPE = `a.tenant_id = ? AND a.brand_id = ? AND a.day >= ? AND a.day <= ?
  AND a.provider = COALESCE(CAST(? AS VARCHAR), a.provider) AND a.surface = COALESCE(CAST(? AS VARCHAR), a.surface)
  AND a.prompt_id = COALESCE(CAST(? AS VARCHAR), a.prompt_id)
  AND a.topic_id IS NOT DISTINCT FROM COALESCE(CAST(? AS VARCHAR), a.topic_id)
  AND a.set_version = COALESCE(CAST(? AS INTEGER), a.set_version)
  AND a.branded = COALESCE(CAST(? AS BOOLEAN), a.branded)
  AND a.locale = COALESCE(CAST(? AS VARCHAR), a.locale)`;

const BRAND_JOIN = `LEFT JOIN answer_entities e
  ON e.tenant_id = a.tenant_id AND e.event_id = a.event_id AND e.kind = 'brand'`;

/**
 * Derived tables, refreshed by the scheduled materialization job (functions/handlers/materialize): per tenant, brand,
 * day, prompt, provider, surface and the filter dimensions, the answer count and the brand's sums. `trends` and
 * `prompts` read it for days up to the watermark (`materialization_state.through_day`) and the raw tables after it
 * (and for days the summary lacks entirely), so results are the same before and after a refresh, only cheaper; a
 * summarised day that receives a late answer shows it after the next refresh.
 */
const SUMMARY_COLUMNS = `tenant_id VARCHAR, brand_id VARCHAR, day VARCHAR, prompt_id VARCHAR,
    provider VARCHAR, surface VARCHAR, topic_id VARCHAR, set_version INTEGER, branded BOOLEAN, locale VARCHAR,
    answers INTEGER, brand_mentioned INTEGER, rank_sum DOUBLE, rank_n INTEGER, sentiment_sum DOUBLE, sentiment_n INTEGER`;
const STATE_COLUMNS = 'through_day VARCHAR, refreshed_at VARCHAR';

/**
 * Snowflake keeps the derived tables TRANSIENT with no Time Travel: they are rebuilt from the raw events every hour,
 * so the seven days of Time Travel and Fail-safe a permanent table keeps after each rebuild would store ~190 copies
 * for nothing. DuckDB has no such notion.
 */
const SNOWFLAKE_DERIVED = { kind: 'TRANSIENT ', options: ' DATA_RETENTION_TIME_IN_DAYS = 0' };

export type SqlDialect = 'duckdb' | 'snowflake';

export function derivedTablesDdl(dialect: SqlDialect): string[] {
  const { kind, options } = dialect === 'snowflake' ? SNOWFLAKE_DERIVED : { kind: '', options: '' };
  return [
    `CREATE ${kind}TABLE IF NOT EXISTS daily_prompt_summary (${SUMMARY_COLUMNS})${options}`,
    `CREATE ${kind}TABLE IF NOT EXISTS materialization_state (${STATE_COLUMNS})${options}`,
  ];
}
/** DuckDB's derived tables (Snowflake's: `derivedTablesDdl('snowflake')`). */
export const DERIVED_TABLES_DDL = derivedTablesDdl('duckdb');

/** The summary rows up to a day (bound): the INSERT both engines run, with the same text. */
export const SUMMARY_INSERT = `INSERT INTO daily_prompt_summary (tenant_id, brand_id, day, prompt_id, provider, surface,
  topic_id, set_version, branded, locale, answers, brand_mentioned, rank_sum, rank_n, sentiment_sum, sentiment_n)
SELECT a.tenant_id, a.brand_id, a.day, a.prompt_id, a.provider, a.surface, a.topic_id, a.set_version, a.branded, a.locale,
  CAST(COUNT(*) AS INTEGER) AS answers,
  CAST(SUM(CASE WHEN e.mentioned THEN 1 ELSE 0 END) AS INTEGER) AS brand_mentioned,
  CAST(SUM(CASE WHEN e.mentioned THEN e.rank END) AS DOUBLE) AS rank_sum,
  CAST(SUM(CASE WHEN e.mentioned AND e.rank IS NOT NULL THEN 1 ELSE 0 END) AS INTEGER) AS rank_n,
  CAST(SUM(CASE WHEN e.mentioned THEN e.sentiment END) AS DOUBLE) AS sentiment_sum,
  CAST(SUM(CASE WHEN e.mentioned AND e.sentiment IS NOT NULL THEN 1 ELSE 0 END) AS INTEGER) AS sentiment_n
FROM answers a LEFT JOIN answer_entities e
  ON e.tenant_id = a.tenant_id AND e.event_id = a.event_id AND e.kind = 'brand'
WHERE a.day <= ?
GROUP BY a.tenant_id, a.brand_id, a.day, a.prompt_id, a.provider, a.surface, a.topic_id, a.set_version, a.branded, a.locale`;

/**
 * The refresh, in this order: an empty summary, its rows up to a day (bound; an INSERT, not a CREATE TABLE AS, so the
 * bind is in a DML statement where every driver accepts it), and the watermark. Between the first two statements a
 * query finds no summary rows for the watermark's days and reads them raw, so results never change, only cost.
 * Snowflake's empty table is TRANSIENT without Time Travel and keeps the table's grants (`COPY GRANTS`).
 */
export function materializeSql(
  dialect: SqlDialect,
): readonly [empty: string, fill: string, clear: string, mark: string] {
  const empty =
    dialect === 'snowflake'
      ? `CREATE OR REPLACE ${SNOWFLAKE_DERIVED.kind}TABLE daily_prompt_summary (${SUMMARY_COLUMNS})${SNOWFLAKE_DERIVED.options} COPY GRANTS`
      : `CREATE OR REPLACE TABLE daily_prompt_summary (${SUMMARY_COLUMNS})`;
  return [
    empty,
    SUMMARY_INSERT,
    'DELETE FROM materialization_state',
    'INSERT INTO materialization_state (through_day, refreshed_at) VALUES (?, ?)',
  ];
}

/** The summary is used up to this day (none before the first refresh). */
const WATERMARK = `w AS (SELECT COALESCE(MAX(through_day), '0000-00-00') AS through_day FROM materialization_state)`;

/**
 * A raw answer's day is in the summary (for its tenant and brand). Days up to the watermark that the summary lacks
 * entirely are read raw: a refresh that ran before a day's answers reached the lake (e.g. backdated history still on
 * its way through the stream) must not hide that day until the next refresh.
 */
const SUMMARISED_DAY = `SELECT 1 FROM daily_prompt_summary s
    WHERE s.tenant_id = a.tenant_id AND s.brand_id = a.brand_id AND s.day = a.day`;

/** One raw answer in the summary's columns (answers, brand_mentioned, rank and sentiment sums and counts). */
const PER_ANSWER = `1, CASE WHEN e.mentioned THEN 1 ELSE 0 END,
    CASE WHEN e.mentioned THEN e.rank END, CASE WHEN e.mentioned AND e.rank IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN e.mentioned THEN e.sentiment END, CASE WHEN e.mentioned AND e.sentiment IS NOT NULL THEN 1 ELSE 0 END`;

/** How many times a query's SQL holds the scope (its binds repeat in order). */
const SCOPE_USES: Partial<Record<AnalyticsQueryName, number>> = { trends: 2, prompts: 2 };

export const ANALYTICS_SQL: Record<AnalyticsQueryName, string> = {
  trends: `WITH ${WATERMARK},
parts AS (
  SELECT a.day, a.provider, a.surface, a.answers, a.brand_mentioned, a.rank_sum, a.rank_n, a.sentiment_sum, a.sentiment_n
  FROM daily_prompt_summary a CROSS JOIN w
  WHERE a.day <= w.through_day AND ${SCOPE}
  UNION ALL
  SELECT a.day, a.provider, a.surface, ${PER_ANSWER}
  FROM answers a ${BRAND_JOIN} CROSS JOIN w
  WHERE (a.day > w.through_day OR NOT EXISTS (${SUMMARISED_DAY})) AND ${SCOPE}
)
SELECT day AS "day", provider AS "provider", surface AS "surface",
  CAST(SUM(answers) AS INTEGER) AS "answers",
  CAST(COALESCE(SUM(brand_mentioned), 0) AS INTEGER) AS "brandMentioned",
  CAST(SUM(rank_sum) AS DOUBLE) / NULLIF(SUM(rank_n), 0) AS "meanRank",
  CAST(SUM(sentiment_sum) AS DOUBLE) / NULLIF(SUM(sentiment_n), 0) AS "meanSentiment"
FROM parts
GROUP BY day, provider, surface`,

  competitors: `WITH scoped AS (SELECT a.tenant_id, a.event_id, a.provider FROM answers a WHERE ${SCOPE}),
per_provider AS (SELECT provider, COUNT(*) AS n FROM scoped GROUP BY provider)
SELECT e.entity_id AS "entityId", e.kind AS "kind", s.provider AS "provider",
  CAST(MAX(p.n) AS INTEGER) AS "answers",
  CAST(SUM(CASE WHEN e.mentioned THEN 1 ELSE 0 END) AS INTEGER) AS "mentioned",
  CAST(SUM(e.mentions) AS INTEGER) AS "mentions"
FROM scoped s
JOIN answer_entities e ON e.tenant_id = s.tenant_id AND e.event_id = s.event_id
JOIN per_provider p ON p.provider = s.provider
GROUP BY e.entity_id, e.kind, s.provider`,

  topics: `SELECT a.topic_id AS "topicId",
  CAST(COUNT(*) AS INTEGER) AS "answers",
  CAST(COALESCE(SUM(CASE WHEN e.mentioned THEN 1 ELSE 0 END), 0) AS INTEGER) AS "brandMentioned",
  CAST(AVG(CASE WHEN e.mentioned THEN e.sentiment END) AS DOUBLE) AS "meanSentiment"
FROM answers a ${BRAND_JOIN}
WHERE ${SCOPE}
GROUP BY a.topic_id`,

  sources: `SELECT c.domain AS "domain", c.class AS "class",
  CAST(COUNT(*) AS INTEGER) AS "citations",
  CAST(COUNT(DISTINCT a.event_id) AS INTEGER) AS "answers"
FROM answers a
JOIN answer_citations c ON c.tenant_id = a.tenant_id AND c.event_id = a.event_id
WHERE ${SCOPE}
GROUP BY c.domain, c.class`,

  prompts: `WITH ${WATERMARK},
parts AS (
  SELECT a.prompt_id, a.day, a.answers, a.brand_mentioned
  FROM daily_prompt_summary a CROSS JOIN w
  WHERE a.day <= w.through_day AND ${SCOPE}
  UNION ALL
  SELECT a.prompt_id, a.day, 1, CASE WHEN e.mentioned THEN 1 ELSE 0 END
  FROM answers a ${BRAND_JOIN} CROSS JOIN w
  WHERE (a.day > w.through_day OR NOT EXISTS (${SUMMARISED_DAY})) AND ${SCOPE}
)
SELECT prompt_id AS "promptId", day AS "day",
  CAST(SUM(answers) AS INTEGER) AS "answers",
  CAST(COALESCE(SUM(brand_mentioned), 0) AS INTEGER) AS "brandMentioned",
  CAST(COALESCE(SUM(brand_mentioned), 0) AS DOUBLE) / SUM(answers) AS "mentionRate"
FROM parts
GROUP BY prompt_id, day`,

  matrix: `WITH scoped AS (SELECT a.tenant_id, a.event_id, a.prompt_id FROM answers a WHERE ${SCOPE}),
per_prompt AS (SELECT prompt_id, COUNT(*) AS n FROM scoped GROUP BY prompt_id)
SELECT s.prompt_id AS "promptId", e.entity_id AS "entityId", e.kind AS "kind",
  CAST(MAX(p.n) AS INTEGER) AS "answers",
  CAST(SUM(CASE WHEN e.mentioned THEN 1 ELSE 0 END) AS INTEGER) AS "mentioned"
FROM scoped s
JOIN answer_entities e ON e.tenant_id = s.tenant_id AND e.event_id = s.event_id
JOIN per_prompt p ON p.prompt_id = s.prompt_id
GROUP BY s.prompt_id, e.entity_id, e.kind`,

  answers: `SELECT a.answer_id AS "answerId", a.run_id AS "runId", a.prompt_id AS "promptId", a.day AS "day",
  a.provider AS "provider", a.surface AS "surface"
FROM answers a
WHERE ${SCOPE}`,
};

/** The binds of `SCOPE`, in order (see `SCOPE_USES` for queries that hold it twice). Numbers and flags go as text and are
 * CAST in SQL, so both drivers bind plain strings. */
export function scopeBinds(scope: WarehouseScope): (string | null)[] {
  return [
    scope.tenantId,
    scope.brandId,
    scope.from,
    scope.to,
    scope.provider ?? null,
    scope.surface ?? null,
    scope.promptId ?? null,
    scope.topic ?? null,
    scope.promptSetVersion === undefined ? null : String(scope.promptSetVersion),
    scope.branded === undefined ? null : String(scope.branded),
    scope.locale ?? null,
  ];
}

/** Row caps of queries asked for without a page (the prompt drill-down reads `answers` whole; `sources` is a top list). */
export const UNPAGED_LIMITS: Partial<Record<AnalyticsQueryName, number>> = { sources: 100, answers: 5000 };

/**
 * The SQL and binds of a named query over a scope: the query wrapped as `q` and put in its total order
 * (`page-keys.ts`); a page starts strictly after its position (keyset, no OFFSET) and is `LIMIT n`, n a validated
 * safe integer written as a literal (not every driver binds LIMIT), never request text.
 */
export function sqlFor(name: AnalyticsQueryName, scope: WarehouseScope): { sql: string; binds: (string | null)[] } {
  const once = scopeBinds(scope);
  const binds: (string | null)[] = Array.from({ length: SCOPE_USES[name] ?? 1 }, () => once).flat();
  const order = `ORDER BY ${orderBy(name)}`;
  const wrap = (where: string, limit: number | undefined) =>
    `SELECT * FROM (\n${ANALYTICS_SQL[name]}\n) q${where}\n${order}${limit ? `\nLIMIT ${limit}` : ''}`;
  if (scope.page) {
    const { limit, after } = scope.page;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error('invalid page');
    if (!after) return { sql: wrap('', limit), binds };
    const position = afterClause(name, after);
    return { sql: wrap(`\nWHERE ${position.sql}`, limit), binds: [...binds, ...position.binds] };
  }
  return { sql: wrap('', UNPAGED_LIMITS[name]), binds };
}

const TENANT_ID = /^ws_[0-9a-hjkmnp-tv-z]{26}$/;

/** Tenant ids also become S3 prefixes: only the server's own id shape is accepted. */
export function assertTenantId(tenantId: string): void {
  if (!TENANT_ID.test(tenantId)) throw new Error('invalid tenant id');
}
