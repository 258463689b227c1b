import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry, guardedHttp } from '../../../functions/adapters/connectors/index.ts';
import { buildDemoCorpus, type DemoCorpus } from '../../../local/connector-replay/corpus.ts';
import {
  type ConnectorReplay,
  REPLAY_CREDENTIALS,
  REPLAY_META_PAGE_ID,
  startConnectorReplay,
} from '../../../local/connector-replay/server.ts';
import type { ConnectorConfig, SkipCounts } from '../../../shared/contracts/connectors.ts';
import {
  ConnectorError,
  type NormalizedItem,
  type PollResult,
  type SignalConnector,
} from '../../../shared/ports/signal-connector.ts';

/**
 * Comment collection over time: a simulated week of polling every 30 minutes against the replay, with discussion
 * arriving hours and days after each post (a simulated clock). Comments posted inside the follow-up window are
 * collected exactly once, those after it never; each poll's requests stay bounded; a thread whose post is removed
 * mid-week is dropped (counted) without failing a poll. Real HTTP on loopback through the outbound URL guard.
 */

const START = Date.now();
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const TICK = 30 * 60_000;
const t0 = START - 8 * DAY;
let clock = START;
const corpus: DemoCorpus = buildDemoCorpus(START);
let replay: ConnectorReplay;

function registry() {
  return createConnectorRegistry({
    http: guardedHttp({ allowLoopback: true }),
    credentials: async () => ({
      reddit: { ...REPLAY_CREDENTIALS.reddit, userAgent: 'server:promptpulse-tests:1.0 (by /u/promptpulse)' },
      x: { ...REPLAY_CREDENTIALS.x },
      meta: { ...REPLAY_CREDENTIALS.meta },
    }),
    endpoints: {
      redditAuth: replay.endpoints.redditAuth,
      redditApi: replay.endpoints.redditApi,
      redditWeb: 'https://www.reddit.com',
      xApi: replay.endpoints.xApi,
      metaGraph: replay.endpoints.metaGraph,
    },
    now: () => clock,
  });
}

/**
 * Polls every 30 minutes for a week from t0, as the workflow would: pages until caught up, a spent budget waits for
 * the next tick. `at(hours)` runs once when the clock passes that many hours. Returns what was read, the skip counts,
 * the most requests one tick made and when the week ended.
 */
async function pollWeek(
  connector: SignalConnector,
  config: ConnectorConfig,
  source: 'reddit' | 'meta',
  at?: { hours: number; run: () => void },
) {
  const items: NormalizedItem[] = [];
  const skipped: SkipCounts = {};
  let cursor: string | null = null;
  let busiest = 0;
  let ran = false;
  for (clock = t0; clock <= t0 + WEEK; clock += TICK) {
    if (at && !ran && clock >= t0 + at.hours * HOUR) {
      at.run();
      ran = true;
    }
    const before = replay.stats()[source];
    for (let pages = 0; pages < 10; pages++) {
      const page: PollResult | null = await connector.poll({ config, cursor }).catch((error: unknown) => {
        if (error instanceof ConnectorError && error.kind === 'rate_limited') return null;
        throw error;
      });
      if (!page) break;
      items.push(...page.items);
      for (const [reason, n] of Object.entries(page.skipped)) {
        skipped[reason as keyof SkipCounts] = (skipped[reason as keyof SkipCounts] ?? 0) + n;
      }
      cursor = page.nextCursor;
      if (page.caughtUp || page.retryAfterMs !== undefined) break;
    }
    busiest = Math.max(busiest, replay.stats()[source] - before);
  }
  const end = clock - TICK;
  clock = START;
  return { items, skipped, busiest, end };
}

const comments = (items: NormalizedItem[]) => items.filter((i) => i.kind === 'comment').map((c) => c.externalId);

beforeAll(async () => {
  replay = await startConnectorReplay({ now: () => clock, corpus });
});
afterAll(async () => {
  await replay?.stop();
});

describe('a simulated week of polling', () => {
  it('Reddit: comments arriving hours and days after their post are collected inside the window, once, with bounded polls', async () => {
    const config: ConnectorConfig = {
      source: 'reddit',
      mode: 'subreddit',
      subreddit: 'analytics',
      includeComments: true,
      maxCommentsPerPost: 3,
      backfillHours: 24,
      commentWindowHours: 72,
      maxThreadRevisitsPerPoll: 3,
    };
    // Late discussion on the posts of the week's first three days: 5 h, 30 h and 60 h after the post (inside the
    // 72 h window), and 80 h after (outside: never read); one reply nested under the 30 h comment, 40 h after.
    const late = new Map<string, { inside: boolean; createdMs: number; post: string }>();
    const followed: string[] = [];
    let n = 0;
    for (const post of corpus.reddit) {
      if (post.subreddit !== 'analytics' || post.createdMs < t0 || post.createdMs > t0 + 3 * DAY) continue;
      // Removed or broken posts are never read (counted as skipped), nor their threads.
      if (post.data.removed_by_category || !post.data.name || typeof post.data.created_utc !== 'number') continue;
      followed.push(String(post.data.name));
      for (const hours of [5, 30, 60, 80]) {
        const id = `late${(n++).toString(36)}`;
        const createdMs = post.createdMs + hours * HOUR;
        late.set(`t1_${id}`, { inside: hours <= 72, createdMs, post: String(post.data.name) });
        const data: Record<string, unknown> = {
          id,
          name: `t1_${id}`,
          body: `Following up ${hours} hours later: Acme Analytics support fixed it.`,
          author: 'late_commenter',
          created_utc: Math.floor(createdMs / 1000),
          score: 1,
          link_id: post.data.name,
          permalink: `${String(post.data.permalink)}${id}/`,
        };
        if (hours === 30) {
          const reply = `late${(n++).toString(36)}`;
          late.set(`t1_${reply}`, { inside: true, createdMs: createdMs + 10 * HOUR, post: String(post.data.name) });
          data.replies = {
            kind: 'Listing',
            data: {
              children: [
                {
                  kind: 't1',
                  data: {
                    id: reply,
                    name: `t1_${reply}`,
                    body: 'Same here, a reply ten hours on.',
                    author: 'replier',
                    created_utc: Math.floor((createdMs + 10 * HOUR) / 1000),
                    score: 1,
                    permalink: `${String(post.data.permalink)}${reply}/`,
                  },
                },
              ],
            },
          };
        }
        post.comments.push({ kind: 't1', data, createdMs, subreddit: post.subreddit, searchText: '', comments: [] });
      }
    }
    expect(followed.length).toBeGreaterThan(3);
    // Two days in, a followed post (the oldest) is removed: its thread is dropped and counted, and the polls go on.
    const removed = followed[followed.length - 1] as string;
    const week = await pollWeek(registry()('reddit'), config, 'reddit', {
      hours: 48,
      run: () => replay.remove([removed]),
    });
    const ids = week.items.map((i) => i.externalId);
    expect(new Set(ids).size).toBe(ids.length);
    const collected = new Set(comments(week.items));
    const removedAt = t0 + 48 * HOUR;
    for (const [id, comment] of late) {
      // Comments of the removed post posted after its removal cannot be read.
      const readable = comment.inside && !(comment.post === removed && comment.createdMs > removedAt);
      expect(collected.has(id), `${id} ${comment.inside ? 'inside' : 'outside'} the window`).toBe(readable);
    }
    // Every comment of every post read, posted inside the window before the week ended, was collected.
    const posts = new Set(week.items.filter((i) => i.kind === 'post').map((p) => p.externalId));
    let expected = 0;
    for (const thing of corpus.reddit) {
      if (!posts.has(String(thing.data.name))) continue;
      const until = Math.min(week.end, thing.createdMs + 72 * HOUR, thing.data.name === removed ? removedAt : Infinity);
      const all = thing.comments.flatMap((c) => [
        c.data,
        ...((
          c.data.replies as { data: { children: { data: Record<string, unknown> }[] } } | undefined
        )?.data.children.map((r) => r.data) ?? []),
      ]);
      for (const c of all) {
        if (c.body === '[deleted]' || Number(c.created_utc) * 1000 > until) continue;
        expected++;
        expect(collected.has(String(c.name)), String(c.name)).toBe(true);
      }
    }
    expect(collected.size).toBe(expected);
    expect(week.skipped.removed ?? 0).toBeGreaterThanOrEqual(1);
    // Bounded: a poll is the listing, the new posts' threads and at most 3 revisits (each ≤ 2 requests).
    expect(week.busiest).toBeLessThanOrEqual(1 + 2 * 5 + 2 * 3);
  }, 180_000);

  it('Meta: a thread longer than a page is read to its end, then followed for its window, once, with bounded polls', async () => {
    const config: ConnectorConfig = {
      source: 'meta',
      pageId: 'acmeanalytics',
      includeComments: true,
      backfillHours: 24,
      commentWindowHours: 72,
      maxThreadRevisitsPerPoll: 3,
    };
    // A post three hours before the week starts with 40 comments already (more than the 25 nested in the answer),
    // a burst of 150 comments 20 h on (more than one page of the comments edge), one 60 h on and one 80 h on.
    const postMs = t0 - 3 * HOUR;
    const postId = `${REPLAY_META_PAGE_ID}_week`;
    const graphTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
    const data: Record<string, unknown>[] = [];
    const add = (ms: number, label: string) => {
      data.push({
        id: `${postId}_${data.length}`,
        message: `${label}: Acme Analytics answered my ticket.`,
        created_time: graphTime(ms),
        from: { id: String(30_000 + data.length), name: `Reader ${data.length}` },
        like_count: 0,
      });
      return `${postId}_${data.length - 1}`;
    };
    const inside = new Set<string>();
    for (let i = 0; i < 40; i++) inside.add(add(postMs + (i + 1) * 4 * 60_000, 'early'));
    for (let i = 0; i < 150; i++) inside.add(add(postMs + 20 * HOUR + i * 8_000, 'burst'));
    inside.add(add(postMs + 60 * HOUR, 'late'));
    const outside = add(postMs + 80 * HOUR, 'too late');
    corpus.pagePosts.push({
      raw: {
        id: postId,
        message: 'Acme Analytics: what should we build next?',
        created_time: graphTime(postMs),
        permalink_url: 'https://www.facebook.com/acmeanalytics/posts/week',
        from: { id: REPLAY_META_PAGE_ID, name: 'Acme Analytics' },
        shares: { count: 0 },
        reactions: { data: [], summary: { total_count: 3 } },
        comments: { data, summary: { total_count: data.length } },
      },
      createdMs: postMs,
    });
    corpus.pagePosts.sort((a, b) => b.createdMs - a.createdMs);
    const week = await pollWeek(registry()('meta'), config, 'meta');
    const ids = week.items.map((i) => i.externalId);
    expect(new Set(ids).size).toBe(ids.length);
    const collected = new Set(comments(week.items));
    for (const id of inside) expect(collected.has(id), id).toBe(true);
    expect(collected.has(outside)).toBe(false);
    // The corpus' own posts of the week: every comment inside the window collected too, nothing else.
    const posts = new Set(week.items.filter((i) => i.kind === 'post').map((p) => p.externalId));
    expect(posts.has(postId)).toBe(true);
    let expected = 0;
    for (const post of corpus.pagePosts) {
      if (!posts.has(String(post.raw.id))) continue;
      for (const c of (post.raw.comments as { data: { id: string; created_time: string }[] }).data) {
        const ms = Date.parse(c.created_time.replace('+0000', 'Z'));
        if (ms > week.end || ms > post.createdMs + 72 * HOUR) continue;
        expected++;
        expect(collected.has(c.id), c.id).toBe(true);
      }
    }
    expect(collected.size).toBe(expected);
    // Bounded: the posts page, a new post's thread (≤ 3 edge pages) and at most 3 revisits of ≤ 3 requests each.
    expect(week.busiest).toBeLessThanOrEqual(1 + 3 + 3 * 3);
  }, 180_000);
});
