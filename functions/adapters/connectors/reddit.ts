import type { RedditConfig, SkipCounts, SkipReason } from '#shared/contracts/connectors.ts';
import {
  type ConnectorCredentials,
  ConnectorError,
  type ConnectorHttp,
  countSkip,
  type NormalizedItem,
  type PollRequest,
  type PollResult,
  type SignalConnector,
} from '#shared/ports/signal-connector.ts';
import { backfillHoursOf } from './backfill.ts';
import {
  asCount,
  asRecord,
  asString,
  decodeText,
  failureFor,
  finishText,
  type HttpResponse,
  parseJsonBody,
  requestFailure,
  skip,
  toIso,
} from './common.ts';
import { redditFailure } from './platform-errors.ts';
import { budgetSpent, readRedditThread } from './reddit-comments.ts';
import {
  DEFAULT_COMMENT_WINDOW_HOURS,
  DEFAULT_THREAD_REVISITS_PER_POLL,
  readThreads,
  revisitThreads,
  trackThread,
  withThreads,
} from './threads.ts';
import { advanceWalk, readWalkCursor } from './walk-cursor.ts';

export interface RedditEndpoints {
  /** Token endpoint host. @default https://www.reddit.com */
  authBaseUrl: string;
  /** OAuth API host. @default https://oauth.reddit.com */
  apiBaseUrl: string;
  /** Permalinks are built on this host. @default https://www.reddit.com */
  webBaseUrl: string;
}

const PAGE_SIZE = 100;
const SAMPLE_SIZE = 5;
/**
 * How far below the checkpoint each walk keeps reading: a post shows up in `new` at its creation time, so one
 * approved by a moderator or indexed late (hours after it was written) appears below posts already read.
 */
export const REDDIT_LATE_MS = 24 * 3600_000;

/**
 * Reddit: search (`/search`, `/r/{sub}/search`) or a subreddit's newest posts (`/r/{sub}/new`), optionally with
 * each new post's comments, through the OAuth API with an app-only token (client-credentials grant). Listings are
 * newest first and paged with `after`; the walk stops at the checkpoint (see {@link advanceWalk}). Rate limits:
 * `X-Ratelimit-Remaining` / `X-Ratelimit-Reset` (seconds) — when the budget is spent the next poll waits for the reset.
 */
export class RedditConnector implements SignalConnector<RedditConfig> {
  readonly source = 'reddit' as const;
  private token: { value: string; expiresAt: number } | null = null;

  constructor(
    private readonly http: ConnectorHttp,
    private readonly credentials: () => Promise<ConnectorCredentials['reddit']>,
    private readonly endpoints: RedditEndpoints,
    private readonly now: () => number = Date.now,
  ) {}

  async poll(request: PollRequest<RedditConfig>): Promise<PollResult> {
    const { config } = request;
    const cursor = readWalkCursor(request.cursor);
    const params = new URLSearchParams({ limit: String(request.sample ? SAMPLE_SIZE : PAGE_SIZE), raw_json: '1' });
    if (cursor.walk?.token) params.set('after', cursor.walk.token);
    let path: string;
    if (config.mode === 'search') {
      params.set('q', config.query ?? '');
      params.set('sort', 'new');
      params.set('type', 'link');
      if (config.subreddit) params.set('restrict_sr', 'on');
      path = config.subreddit ? `/r/${config.subreddit}/search` : '/search';
    } else {
      path = `/r/${config.subreddit}/new`;
    }
    const what = config.subreddit ? `r/${config.subreddit}` : `search "${config.query}"`;
    const response = await this.get(`${path}?${params}`, what, request.signal);
    const listing = asRecord(asRecord(parseJsonBody('Reddit', response.body, what))?.data);
    if (!listing || !Array.isArray(listing.children)) {
      throw new ConnectorError('unavailable', `Reddit returned something that is not a listing for ${what}`);
    }
    // Skip reasons are kept per listing entry: if the rate-limit budget runs out part-way (comments), only the
    // entries actually processed count now; the rest are fetched, and counted, again on the next poll.
    const entries = listing.children.map((child) => {
      const skips: SkipCounts = {};
      return { item: this.normalizePost(child, skips), skips };
    });
    const posts = entries.flatMap((e) => (e.item ? [e.item] : []));
    const nextToken = request.sample ? null : asString(listing.after);
    const walkOptions = {
      floor: new Date(this.now() - backfillHoursOf(config) * 3600_000).toISOString(),
      lateMs: REDDIT_LATE_MS,
      rawCount: listing.children.length,
    };
    const walked = advanceWalk(cursor, { items: posts, nextToken }, {}, walkOptions);
    let retryAfter = budgetSpent(response);
    const comments: NormalizedItem[] = [];
    const threads = readThreads(request.cursor);
    const windowHours = config.commentWindowHours ?? DEFAULT_COMMENT_WINDOW_HOURS;
    let processed = entries.length;
    if (config.includeComments && !request.sample) {
      for (const post of walked.items) {
        if (retryAfter !== undefined) {
          // Budget spent before this post's comments: stop the page here and resume from this post next time.
          processed = entries.findIndex((e) => e.item === post);
          break;
        }
        const skips: SkipCounts = {};
        const thread = await readRedditThread(
          (path, what) => this.get(path, what, request.signal),
          post,
          { limit: config.maxCommentsPerPost, since: null, webBaseUrl: this.endpoints.webBaseUrl },
          skips,
        );
        retryAfter = thread.retryAfter;
        comments.push(...thread.comments);
        trackThread(threads, post, thread.newest, windowHours, this.now());
        const entry = entries.find((e) => e.item === post);
        if (entry) for (const [reason, n] of Object.entries(skips)) countSkip(entry.skips, reason as SkipReason, n);
      }
    }
    const skipped: SkipCounts = {};
    const done = entries.slice(0, processed);
    for (const entry of done)
      for (const [reason, n] of Object.entries(entry.skips)) countSkip(skipped, reason as SkipReason, n);
    if (processed === entries.length) {
      // Count in-page duplicates too (the walk above ran with a scratch counter).
      const final = advanceWalk(cursor, { items: posts, nextToken }, skipped, walkOptions);
      if (final.caughtUp && retryAfter === undefined && config.includeComments && !request.sample) {
        // Caught up with new posts: spend what is left of this poll on threads still gathering comments.
        const revisits = await revisitThreads(
          threads,
          this.now(),
          config.maxThreadRevisitsPerPoll ?? DEFAULT_THREAD_REVISITS_PER_POLL,
          skipped,
          (thread) =>
            readRedditThread(
              (path, what) => this.get(path, what, request.signal),
              { externalId: thread.id, url: thread.url, channel: thread.channel },
              { limit: config.maxCommentsPerPost, since: thread.newest, webBaseUrl: this.endpoints.webBaseUrl },
              skipped,
            ),
        );
        comments.push(...revisits.comments);
        retryAfter = revisits.retryAfter;
      }
      return {
        items: request.sample ? [...final.items, ...comments].slice(0, SAMPLE_SIZE) : [...final.items, ...comments],
        skipped,
        nextCursor: request.sample ? final.nextCursor : withThreads(final.nextCursor, threads),
        caughtUp: final.caughtUp,
        ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
      };
    }
    const donePosts = done.flatMap((e) => (e.item ? [e.item] : []));
    const last = donePosts[donePosts.length - 1];
    if (!last) {
      // Nothing of this page was processed: poll it again after the reset, from the same checkpoint.
      return {
        items: [],
        skipped: {},
        nextCursor: request.cursor,
        caughtUp: false,
        retryAfterMs: retryAfter ?? 60_000,
      };
    }
    // Reddit's `after` is the fullname of the last item seen: the next poll lists the posts after `last`.
    const partial = advanceWalk(cursor, { items: donePosts, nextToken: last.externalId }, skipped, walkOptions);
    const kept = new Set(partial.items.map((p) => p.externalId));
    return {
      items: [...partial.items, ...comments.filter((c) => kept.has(c.parentExternalId ?? ''))],
      skipped,
      nextCursor: withThreads(
        partial.nextCursor,
        threads.filter((t) => kept.has(t.id) || !posts.some((p) => p.externalId === t.id)),
      ),
      caughtUp: false,
      retryAfterMs: retryAfter ?? 60_000,
    };
  }

  private normalizePost(child: unknown, skipped: SkipCounts): NormalizedItem | null {
    const data = asRecord(asRecord(child)?.data);
    if (!data || asRecord(child)?.kind !== 't3') return skip(skipped, 'malformed');
    const id = asString(data.name);
    if (!id) return skip(skipped, 'missing_id');
    const body = asString(data.selftext) ?? '';
    if (body === '[removed]' || data.removed_by_category) return skip(skipped, 'removed');
    if (body === '[deleted]' || (data.author === '[deleted]' && !body)) return skip(skipped, 'deleted');
    if (data.created_utc === undefined) return skip(skipped, 'missing_date');
    const publishedAt = toIso(data.created_utc);
    if (!publishedAt) return skip(skipped, 'invalid_date');
    const title = decodeText(asString(data.title) ?? '');
    const text = finishText(decodeText(body));
    if (!title && !text) return skip(skipped, 'empty_text');
    const permalink = asString(data.permalink);
    return {
      source: 'reddit',
      externalId: id,
      kind: 'post',
      parentExternalId: null,
      url: permalink ? `${this.endpoints.webBaseUrl}${permalink}` : asString(data.url),
      channel: asString(data.subreddit_name_prefixed),
      author: asString(data.author),
      title: title || null,
      text,
      // Reddit does not report a language.
      language: null,
      publishedAt,
      reach: { followers: asCount(data.subreddit_subscribers), impressions: null },
      engagement: { score: asCount(data.score), likes: null, comments: asCount(data.num_comments), shares: null },
    };
  }

  /** GET on the OAuth API; a 401 renews the token once (it may have expired early), then is a credentials failure. */
  private async get(pathAndQuery: string, what: string, signal?: AbortSignal): Promise<HttpResponse> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.accessToken(signal);
      const response = await this.http
        .request(`${this.endpoints.apiBaseUrl}${pathAndQuery}`, {
          headers: { authorization: `Bearer ${token}`, 'user-agent': (await this.credentials())?.userAgent ?? '' },
          ...(signal ? { signal } : {}),
        })
        .catch((error) => {
          throw requestFailure('Reddit', error, what);
        });
      if (response.status === 401 && attempt === 0) {
        this.token = null;
        continue;
      }
      if (response.status < 200 || response.status >= 300) throw redditFailure(response, what);
      return response;
    }
    throw new ConnectorError('credentials', 'Reddit keeps refusing a fresh access token');
  }

  private async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.token.expiresAt > this.now() + 60_000) return this.token.value;
    const credentials = await this.credentials();
    if (!credentials) {
      throw new ConnectorError('credentials', 'Reddit credentials are not configured (REDDIT_CLIENT_ID / secret)');
    }
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    const response = await this.http
      .request(`${this.endpoints.authBaseUrl}/api/v1/access_token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': credentials.userAgent,
        },
        body: 'grant_type=client_credentials',
        ...(signal ? { signal } : {}),
      })
      .catch((error) => {
        throw requestFailure('Reddit', error, 'the access token');
      });
    if (response.status !== 200) throw failureFor('Reddit', response, 'the access token');
    const body = asRecord(parseJsonBody('Reddit', response.body, 'the access token'));
    const value = asString(body?.access_token);
    if (!value) {
      // Reddit answers 200 with {"error": "invalid_grant"} for bad app credentials.
      throw new ConnectorError(
        'credentials',
        `Reddit refused the app credentials (${asString(body?.error) ?? 'no token'})`,
      );
    }
    this.token = { value, expiresAt: this.now() + (asCount(body?.expires_in) ?? 3600) * 1000 };
    return value;
  }
}
