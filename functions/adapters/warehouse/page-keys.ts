import type { AnalyticsQueryName, AnalyticsRow } from '#shared/contracts/analytics.ts';

/**
 * Keyset paging of the named queries. Every query's rows are put in a **total order** over its output columns (the
 * grouping keys, plus the output column that breaks a tie), and a page starts strictly after the last row of the
 * previous one: `WHERE (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ...` over the query wrapped as a subquery, then
 * `ORDER BY k1, k2, ... LIMIT n`. Unlike `OFFSET`, rows inserted meanwhile before the position (a new answer on the
 * newest day, a new prompt sorting first) cannot shift the next page onto rows already shown, nor past rows not yet
 * shown. Aggregate rows whose order key is itself a count (`topics`, `sources`, most first) can still move when
 * their count changes between two pages: the position is kept, the row is shown where it sorts now.
 *
 * Keys never hold NULL (a comparison with NULL would drop rows): the nullable `topicId` is two keys, "is null"
 * (nulls last) and its value with NULL as ''. Values are bound as text and CAST, like the scope's binds.
 */
type KeyType = 'VARCHAR' | 'INTEGER';
export type PageKeyValue = string | number;

interface PageKey {
  /** Over the wrapped query's output (`q."column"`). */
  sql: string;
  type: KeyType;
  desc?: boolean;
  of: (row: Record<string, unknown>) => PageKeyValue;
}

const col = (name: string, type: KeyType = 'VARCHAR', desc = false): PageKey => ({
  sql: `q."${name}"`,
  type,
  desc,
  of: (row) => row[name] as PageKeyValue,
});
/** The brand before competitors (kind `brand` first). */
const brandFirst: PageKey = {
  sql: `CASE WHEN q."kind" = 'brand' THEN 0 ELSE 1 END`,
  type: 'INTEGER',
  of: (row) => (row.kind === 'brand' ? 0 : 1),
};
const nullsLast = (name: string): PageKey[] => [
  {
    sql: `CASE WHEN q."${name}" IS NULL THEN 1 ELSE 0 END`,
    type: 'INTEGER',
    of: (row) => (row[name] === null ? 1 : 0),
  },
  { sql: `COALESCE(q."${name}", '')`, type: 'VARCHAR', of: (row) => (row[name] ?? '') as string },
];

export const PAGE_KEYS: Record<AnalyticsQueryName, PageKey[]> = {
  trends: [col('day'), col('provider'), col('surface')],
  competitors: [brandFirst, col('entityId'), col('kind'), col('provider')],
  topics: [col('answers', 'INTEGER', true), ...nullsLast('topicId')],
  sources: [col('citations', 'INTEGER', true), col('domain'), col('class')],
  prompts: [col('promptId'), col('day')],
  matrix: [col('promptId'), brandFirst, col('entityId'), col('kind')],
  // Newest first; an answer id is one row unless re-analysed into another event, then the rest of the row decides.
  answers: [
    col('day', 'VARCHAR', true),
    col('answerId', 'VARCHAR', true),
    col('provider'),
    col('surface'),
    col('runId'),
    col('promptId'),
  ],
};

/** The position of a row in its query's order: what a cursor carries. */
export function pageKeyOf<N extends AnalyticsQueryName>(name: N, row: AnalyticsRow<N>): PageKeyValue[] {
  return PAGE_KEYS[name].map((key) => key.of(row as Record<string, unknown>));
}

/** A position read back from a cursor has the query's key count and types (else it is not this query's). */
export function isPageKey(name: AnalyticsQueryName, value: unknown): value is PageKeyValue[] {
  const keys = PAGE_KEYS[name];
  return (
    Array.isArray(value) &&
    value.length === keys.length &&
    value.every((v, i) =>
      keys[i]?.type === 'INTEGER' ? Number.isSafeInteger(v) : typeof v === 'string' && v.length <= 512,
    )
  );
}

/** The total order: `ORDER BY` of every query, paged or not. */
export function orderBy(name: AnalyticsQueryName): string {
  return PAGE_KEYS[name].map((k) => `${k.sql} ${k.desc ? 'DESC' : 'ASC'}`).join(', ');
}

/** `WHERE` of the rows strictly after a position, and its binds (text, CAST in SQL). */
export function afterClause(
  name: AnalyticsQueryName,
  after: readonly PageKeyValue[],
): { sql: string; binds: string[] } {
  if (!isPageKey(name, after)) throw new Error('invalid page position');
  const keys = PAGE_KEYS[name];
  const bind = (i: number) => `CAST(? AS ${keys[i]?.type})`;
  const binds: string[] = [];
  const terms = keys.map((key, i) => {
    const parts = keys.slice(0, i).map((k, j) => {
      binds.push(String(after[j]));
      return `${k.sql} = ${bind(j)}`;
    });
    binds.push(String(after[i]));
    parts.push(`${key.sql} ${key.desc ? '<' : '>'} ${bind(i)}`);
    return `(${parts.join(' AND ')})`;
  });
  return { sql: terms.join('\n   OR '), binds };
}
