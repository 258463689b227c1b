import type { NormalizedItem } from '#shared/ports/signal-connector.ts';

/**
 * Threads whose comments are still being collected. Most of a thread's discussion arrives hours after the post, so a
 * post is revisited for a window after it was first read (default 72 h), a few threads per poll (a budget), the
 * least recently visited first; each visit keeps only comments newer than the newest one already read. Kept in the
 * connector's checkpoint, bounded.
 */
export interface TrackedThread {
  /** The post's external id. */
  id: string;
  url: string | null;
  channel: string | null;
  /** Newest comment (or the post itself) read so far. */
  newest: string;
  /** Revisits stop after this. */
  until: string;
  visited: string;
}

export const DEFAULT_COMMENT_WINDOW_HOURS = 72;
export const DEFAULT_THREAD_REVISITS_PER_POLL = 10;
const MAX_THREADS = 400;

export function readThreads(cursor: string | null): TrackedThread[] {
  if (!cursor) return [];
  try {
    const parsed = JSON.parse(cursor) as { threads?: unknown };
    return Array.isArray(parsed.threads)
      ? parsed.threads.filter(
          (t): t is TrackedThread => typeof t === 'object' && t !== null && typeof (t as TrackedThread).id === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

/** The cursor with these threads (the newest posts kept when over the bound). */
export function withThreads(cursor: string, threads: TrackedThread[]): string {
  const parsed = JSON.parse(cursor) as Record<string, unknown>;
  const kept = [...threads].sort((a, b) => (a.until < b.until ? 1 : -1)).slice(0, MAX_THREADS);
  return JSON.stringify({ ...parsed, threads: kept });
}

/** Starts following a post's comments (or refreshes it when already followed). */
export function trackThread(
  threads: TrackedThread[],
  post: NormalizedItem,
  newestComment: string | null,
  windowHours: number,
  now: number,
): void {
  const newest = newestComment && newestComment > post.publishedAt ? newestComment : post.publishedAt;
  const until = new Date(Date.parse(post.publishedAt) + windowHours * 3600_000).toISOString();
  if (until <= new Date(now).toISOString()) return;
  const existing = threads.find((t) => t.id === post.externalId);
  const visited = new Date(now).toISOString();
  // ISO strings compare in time order.
  if (existing) Object.assign(existing, { newest: [existing.newest, newest].sort()[1] ?? newest, visited });
  else threads.push({ id: post.externalId, url: post.url, channel: post.channel, newest, until, visited });
}

/** Threads to revisit now: expired ones dropped, the least recently visited first, at most `budget`. */
export function dueThreads(threads: TrackedThread[], now: number, budget: number): TrackedThread[] {
  const nowIso = new Date(now).toISOString();
  for (let i = threads.length - 1; i >= 0; i--) if ((threads[i] as TrackedThread).until <= nowIso) threads.splice(i, 1);
  return [...threads].sort((a, b) => (a.visited < b.visited ? -1 : 1)).slice(0, budget);
}
