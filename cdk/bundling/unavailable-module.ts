/**
 * Stands in for a heavy package (snowflake-sdk, DuckDB) in bundles of functions that must never load it: the
 * API function's analytics routes are served by the separate analytics function (cdk/constructs/api-service.ts),
 * so these modules are dead code there. esbuild's `alias` points the package here; any use fails loudly instead
 * of silently shipping megabytes that slow every cold start.
 */
function unavailable(): never {
  throw new Error(
    'This function was bundled without its warehouse driver (snowflake-sdk / DuckDB); analytics routes are served by the analytics function',
  );
}

const handler: ProxyHandler<object> = { get: () => unavailable, apply: unavailable, construct: unavailable };
const stub = new Proxy(unavailable, handler);

export default stub;
export const DuckDBInstance = stub;
export const DuckDBConnection = stub;
export const DuckDBAppender = stub;
export const DuckDBTypeId = stub;
