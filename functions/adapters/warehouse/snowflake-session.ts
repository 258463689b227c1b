/**
 * What the Snowflake adapter sends with every statement and how it reads what comes back, apart from the driver so
 * the rules are plain functions (test/unit/warehouse/snowflake-session.test.ts).
 *
 * - Statement parameters (the REST API's per-statement session parameters, which `snowflake-sdk` forwards from
 *   `execute({ parameters })`): a `QUERY_TAG` naming the app, the route and the tenant (cost per tenant in
 *   QUERY_HISTORY, and a runaway query found by its tag), a `STATEMENT_TIMEOUT_IN_SECONDS` below the caller's own
 *   deadline (a query the API has given up on stops running, and billing, in Snowflake too), and
 *   `QUOTED_IDENTIFIERS_IGNORE_CASE = FALSE` so the queries' quoted camelCase aliases come back as written.
 * - Rows are read case-insensitively against the row schema's keys anyway: an account or user that forces the
 *   parameter (or a driver that ignores it) returns `BRANDMENTIONED`, which still maps to `brandMentioned`.
 * - An expired or gone session (Snowflake's 3901xx codes: the master token expires after about 4 h without use)
 *   is told apart from a failed query, so the adapter signs in again and retries the statement once.
 */

/** The analytics API's timeout (API Gateway HTTP API: 30 s; the analytics function's own: 29 s). */
export const API_TIMEOUT_SECONDS = 29;
/** Statements of an API request stop before the API gives up (the rest is connection and row parsing). */
export const QUERY_TIMEOUT_SECONDS = 25;
/** Statements of the materialization job (10-minute Lambda) stop before the function is killed. */
export const JOB_TIMEOUT_SECONDS = 540;
/** Snowflake's limit on a QUERY_TAG. */
const QUERY_TAG_MAX = 2000;

export interface StatementContext {
  /** The analytics route (`trends`, ...) or the job step (`migrate`, `materialize`, `purge`). */
  route: string;
  /** The tenant the statement is bound to, when it is one tenant's. */
  tenantId?: string;
  timeoutSeconds: number;
}

export function statementParameters(context: StatementContext): Record<string, string | number | boolean> {
  const tag = JSON.stringify({
    app: 'promptpulse',
    route: context.route,
    ...(context.tenantId ? { tenant: context.tenantId } : {}),
  });
  return {
    QUERY_TAG: tag.slice(0, QUERY_TAG_MAX),
    STATEMENT_TIMEOUT_IN_SECONDS: context.timeoutSeconds,
    QUOTED_IDENTIFIERS_IGNORE_CASE: false,
  };
}

/** Snowflake's codes for a session that must sign in again (snowflake-sdk's `GSErrors`). */
const SESSION_ENDED = new Set([
  '390104', // session token invalid
  '390111', // session no longer exists
  '390112', // session token expired (and its renewal failed)
  '390114', // master token expired: the session was idle too long
]);

/** The statement failed because the session ended (expired, gone), not because of the statement. */
export function isSessionEnded(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code !== undefined && code !== null && SESSION_ENDED.has(String(code));
}

/**
 * The row with its keys spelled as the row schema spells them, matched case-insensitively (keys the schema does
 * not know are kept as they came, for the schema to ignore).
 */
export function withSchemaKeys(row: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const byUpper = new Map(keys.map((key) => [key.toUpperCase(), key]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[byUpper.get(key.toUpperCase()) ?? key] = value;
  return out;
}
