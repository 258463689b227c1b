import type { SkipCounts } from '#shared/contracts/connectors.ts';
import { ConnectorError, countSkip, type NormalizedItem } from '#shared/ports/signal-connector.ts';

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

/** What one visit of a thread read: comments newer than the thread's `newest`, and the wait a spent budget asks for. */
export interface ThreadVisit {
  comments: NormalizedItem[];
  newest: string | null;
  retryAfter: number | undefined;
}

/**
 * Revisits the due threads (at most `budget`) with `visit`. A thread whose post is gone (the platform answers "does
 * not exist") is dropped and counted as removed; a throttle, a spent budget or an outage ends this poll's revisits
 * without failing the poll, so the page of posts already read is never lost to a revisit.
 */
export async function revisitThreads(
  threads: TrackedThread[],
  now: number,
  budget: number,
  skipped: SkipCounts,
  visit: (thread: TrackedThread) => Promise<ThreadVisit>,
): Promise<{ comments: NormalizedItem[]; retryAfter: number | undefined; visited: number }> {
  const comments: NormalizedItem[] = [];
  let retryAfter: number | undefined;
  let visited = 0;
  for (const thread of dueThreads(threads, now, budget)) {
    let result: ThreadVisit;
    try {
      result = await visit(thread);
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      if (error.kind === 'config') {
        threads.splice(threads.indexOf(thread), 1);
        countSkip(skipped, 'removed');
        continue;
      }
      if (error.kind === 'rate_limited') retryAfter = error.retryAfterMs ?? 60_000;
      break;
    }
    visited++;
    comments.push(...result.comments);
    if (result.newest && result.newest > thread.newest) thread.newest = result.newest;
    thread.visited = new Date(now).toISOString();
    if (result.retryAfter !== undefined) {
      retryAfter = result.retryAfter;
      break;
    }
  }
  return { comments, retryAfter, visited };
}
