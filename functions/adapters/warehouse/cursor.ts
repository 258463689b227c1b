import { createHash } from 'node:crypto';
import type { AnalyticsQueryName } from '#shared/contracts/analytics.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { isPageKey, type PageKeyValue } from './page-keys.ts';

/**
 * Opaque page cursors of the warehouse routes: the position of the last row shown (its order keys, `page-keys.ts`:
 * the next page starts strictly after it, so rows inserted meanwhile never repeat or skip rows) and a fingerprint of
 * the query it belongs to (route, brand, period, filters). A cursor replayed with other filters or another brand is
 * refused (400) instead of silently paging through a different result. The tenant is not in it: every query binds
 * the caller's.
 */
export interface WarehouseCursorQuery {
  name: AnalyticsQueryName;
  brandId: string;
  from: string;
  to: string;
  filter: Record<string, unknown>;
}

const fingerprint = (q: WarehouseCursorQuery) =>
  createHash('sha256')
    .update(JSON.stringify([q.name, q.brandId, q.from, q.to, Object.entries(q.filter).sort()]))
    .digest('base64url')
    .slice(0, 16);

export function encodeWarehouseCursor(query: WarehouseCursorQuery, after: PageKeyValue[]): string {
  return Buffer.from(JSON.stringify({ k: after, q: fingerprint(query) }), 'utf8').toString('base64url');
}

/** The position a cursor points after (none without a cursor); a 400 `invalid_cursor` for anything else. */
export function decodeWarehouseCursor(
  query: WarehouseCursorQuery,
  cursor: string | undefined,
): PageKeyValue[] | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const { k, q } = (parsed ?? {}) as { k?: unknown; q?: unknown };
  if (!isPageKey(query.name, k) || q !== fingerprint(query)) {
    throw new ValidationError('Invalid filter `cursor`: it is malformed or belongs to another query', {
      code: 'invalid_cursor',
      details: [{ path: 'cursor', message: 'pass the nextCursor of the previous page with the same query' }],
    });
  }
  return k;
}
