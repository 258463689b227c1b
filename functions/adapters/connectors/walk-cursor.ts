import type { SkipCounts } from '#shared/contracts/connectors.ts';
import { countSkip, type NormalizedItem } from '#shared/ports/signal-connector.ts';

/**
 * The checkpoint of a newest-first source. `high` = publishedAt of the newest item of the last COMPLETED walk;
 * `walk` = a walk in progress (the source's page token — empty to restart from the newest page —, the newest item
 * seen in it, and the source's own "since" anchor for that walk); `recent` = ids of the latest items (items published
 * in the same second as `high`, late items inside the overlap window, and items of an interrupted walk are told apart
 * by id); `since` = the source's anchor (X `since_id`) of the last completed walk.
 */
export interface WalkCursor {
  high: string | null;
  walk: {
    token: string;
    high: string | null;
    since?: string | null;
    /** Newest source anchor seen in this walk; becomes `since` only when the walk completes. */
    newest?: string | null;
    restarted?: boolean;
  } | null;
  recent: string[];
  since?: string | null;
}

/** Enough ids for a day's overlap window of a busy subreddit (the cursor stays far below DynamoDB's item size). */
const RECENT_IDS = 2000;

export function readWalkCursor(cursor: string | null): WalkCursor {
  if (!cursor) return { high: null, walk: null, recent: [] };
  try {
    const parsed = JSON.parse(cursor) as Partial<WalkCursor>;
    return {
      high: typeof parsed.high === 'string' ? parsed.high : null,
      walk: parsed.walk && typeof parsed.walk.token === 'string' ? parsed.walk : null,
      recent: Array.isArray(parsed.recent) ? parsed.recent.filter((x) => typeof x === 'string') : [],
      ...(typeof parsed.since === 'string' ? { since: parsed.since } : {}),
    };
  } catch {
    // An unreadable checkpoint restarts from the newest page; deterministic event ids make re-published items harmless.
    return { high: null, walk: null, recent: [] };
  }
}

export interface WalkOptions {
  /**
   * First walk only (no checkpoint yet): items published before this end the walk — the backfill window the user
   * chose, instead of the source's whole history.
   */
  floor?: string | null;
  /**
   * Overlap: the walk goes on this far below the checkpoint, so items that show up late in a newest-first listing
   * (Reddit posts indexed late or approved by a moderator hours after they were written) are still read; the ids in
   * `recent` keep the overlap from being ingested twice.
   */
  lateMs?: number;
  /** Raw entries on the page before normalisation (an empty page on a walk token means the anchor is gone). */
  rawCount?: number;
  /** The source's anchor for the next walk once this one completes (X: the newest id seen). */
  since?: string | null;
}

/**
 * Applies a newest-first page to the walk cursor: keeps the new items, drops those already seen, ends the walk at the
 * checkpoint (or the backfill floor), and decides whether the walk goes on with `nextToken`. A walk whose page token
 * comes back empty (its anchor item was removed, so the source no longer knows where "after" is) restarts from the
 * newest page, keeping the old checkpoint: already-read items are skipped by id and the walk goes on down to the
 * checkpoint, so the unread backlog is never jumped over.
 */
export function advanceWalk(
  cursor: WalkCursor,
  page: { items: NormalizedItem[]; nextToken: string | null },
  skipped: SkipCounts,
  options: WalkOptions = {},
): { items: NormalizedItem[]; nextCursor: string; caughtUp: boolean } {
  const lateMs = options.lateMs ?? 0;
  const recent = new Set(cursor.recent);
  const stop = cursor.high ? new Date(Date.parse(cursor.high) - lateMs).toISOString() : (options.floor ?? null);
  const fresh: NormalizedItem[] = [];
  const inPage = new Set<string>();
  let reachedCheckpoint = false;
  for (const item of page.items) {
    if (inPage.has(item.externalId)) {
      countSkip(skipped, 'duplicate');
      continue;
    }
    inPage.add(item.externalId);
    const seen = recent.has(item.externalId);
    if (stop && item.publishedAt < stop) {
      reachedCheckpoint = true;
      continue;
    }
    if (seen && lateMs === 0 && cursor.high && item.publishedAt <= cursor.high) {
      reachedCheckpoint = true;
      continue;
    }
    // Already ingested: inside the overlap window, or by an interrupted walk that restarted from the top.
    if (seen) continue;
    fresh.push(item);
  }
  let walkHigh = cursor.walk?.high ?? null;
  for (const item of fresh) if (!walkHigh || item.publishedAt > walkHigh) walkHigh = item.publishedAt;
  const ids = [...fresh.map((i) => i.externalId), ...cursor.recent].slice(0, RECENT_IDS);
  const walkSince = cursor.walk ? (cursor.walk.since ?? null) : (cursor.since ?? null);
  const newest = maxId(cursor.walk?.newest ?? null, options.since ?? null);
  const anchorGone = cursor.walk !== null && cursor.walk.token !== '' && (options.rawCount ?? page.items.length) === 0;
  if (anchorGone && !cursor.walk?.restarted) {
    const restart: WalkCursor = {
      high: cursor.high,
      walk: { token: '', high: walkHigh, since: walkSince, newest, restarted: true },
      recent: ids,
      ...(cursor.since ? { since: cursor.since } : {}),
    };
    return { items: fresh, nextCursor: JSON.stringify(restart), caughtUp: false };
  }
  const done = reachedCheckpoint || !page.nextToken;
  // The anchor moves only when a walk completes: an interrupted walk's unread backlog is older than its newest item.
  const since = done ? maxId(cursor.since ?? null, newest) : (cursor.since ?? null);
  const next: WalkCursor = done
    ? { high: maxIso(cursor.high, walkHigh), walk: null, recent: ids, ...(since ? { since } : {}) }
    : {
        high: cursor.high,
        walk: {
          token: page.nextToken as string,
          high: walkHigh,
          since: walkSince,
          newest,
          ...(cursor.walk?.restarted ? { restarted: true } : {}),
        },
        recent: ids,
        ...(since ? { since } : {}),
      };
  return { items: fresh, nextCursor: JSON.stringify(next), caughtUp: done };
}

function maxIso(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** The larger of two decimal ids (X ids are 64-bit: compared as BigInt, never as floats). */
function maxId(a: string | null, b: string | null): string | null {
  if (!a || !/^\d+$/.test(a)) return b && /^\d+$/.test(b) ? b : null;
  if (!b || !/^\d+$/.test(b)) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
}
