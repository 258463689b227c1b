import { createHash } from 'node:crypto';
import { ValidationError } from '#shared/domain/errors.ts';

/**
 * Opaque page cursors of the warehouse routes: the row offset of the next page and a fingerprint of the query it
 * belongs to (route, brand, period, filters). A cursor replayed with other filters or another brand is refused (400)
 * instead of silently paging through a different result. The tenant is not in it: every query binds the caller's.
 */
export interface WarehouseCursorQuery {
  name: string;
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

export function encodeWarehouseCursor(query: WarehouseCursorQuery, offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, q: fingerprint(query) }), 'utf8').toString('base64url');
}

/** The row offset a cursor points at (0 without a cursor); a 400 `invalid_cursor` for anything else. */
export function decodeWarehouseCursor(query: WarehouseCursorQuery, cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const { o, q } = (parsed ?? {}) as { o?: unknown; q?: unknown };
  if (!Number.isSafeInteger(o) || (o as number) < 0 || q !== fingerprint(query)) {
    throw new ValidationError('Invalid filter `cursor`: it is malformed or belongs to another query', {
      code: 'invalid_cursor',
      details: [{ path: 'cursor', message: 'pass the nextCursor of the previous page with the same query' }],
    });
  }
  return o as number;
}
