import type { SkipCounts, XConfig } from '#shared/contracts/connectors.ts';
import {
  type ConnectorCredentials,
  ConnectorError,
  type ConnectorHttp,
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
  finishText,
  headerOf,
  parseJsonBody,
  requestFailure,
  skip,
  toIso,
} from './common.ts';
import { xFailure, xResetMs } from './platform-errors.ts';
import { advanceWalk, readWalkCursor } from './walk-cursor.ts';

const PAGE_SIZE = 100;
const SAMPLE_SIZE = 10;

/**
 * X API v2 recent search (`GET /2/tweets/search/recent`) with an app bearer token. Newest first, paged with
 * `next_token`; replies become comments of the tweet they answer. Rate limits: `x-rate-limit-remaining` and
 * `x-rate-limit-reset` (epoch seconds); a 429 waits for the reset. X escapes `&`, `<`, `>` in tweet text: decoded.
 */
export class XConnector implements SignalConnector<XConfig> {
  readonly source = 'x' as const;

  constructor(
    private readonly http: ConnectorHttp,
    private readonly credentials: () => Promise<ConnectorCredentials['x']>,
    private readonly apiBaseUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  async poll(request: PollRequest<XConfig>): Promise<PollResult> {
    const credentials = await this.credentials();
    if (!credentials) throw new ConnectorError('credentials', 'X credentials are not configured (X_BEARER_TOKEN)');
    const cursor = readWalkCursor(request.cursor);
    const params = new URLSearchParams({
      query: request.config.query,
      max_results: String(request.sample ? SAMPLE_SIZE : PAGE_SIZE),
      // note_tweet: the full text of posts longer than 280 characters (`text` is cut); edit_history_tweet_ids: an
      // edited post keeps its first id as its identity, so its versions count once.
      'tweet.fields':
        'created_at,lang,public_metrics,author_id,conversation_id,referenced_tweets,note_tweet,edit_history_tweet_ids',
      expansions: 'author_id',
      'user.fields': 'username,public_metrics',
    });
    const now = this.now();
    const floor = new Date(now - backfillHoursOf(request.config) * 3600_000).toISOString();
    if (cursor.walk?.token) params.set('next_token', cursor.walk.token);
    else if (!request.sample) {
      // since_id: only what is newer than the last completed walk — nothing is read (and paid for) twice. X refuses a
      // since_id older than its 7-day search window, so an old anchor falls back to a start_time inside the window.
      const since = cursor.walk ? (cursor.walk.since ?? null) : (cursor.since ?? null);
      const windowStart = now - X_SEARCH_WINDOW_MS + 60_000;
      if (since && snowflakeMs(since) > windowStart) params.set('since_id', since);
      else {
        const from = Math.max(windowStart, Date.parse(cursor.high ?? floor));
        params.set('start_time', new Date(from).toISOString().replace(/\.\d{3}Z$/, 'Z'));
      }
    }
    const what = `search "${request.config.query}"`;
    const response = await this.http
      .request(`${this.apiBaseUrl}/2/tweets/search/recent?${params}`, {
        headers: { authorization: `Bearer ${credentials.bearerToken}` },
        ...(request.signal ? { signal: request.signal } : {}),
      })
      .catch((error) => {
        throw requestFailure('X', error, what);
      });
    if (response.status !== 200) throw xFailure(response, what, this.now());
    const body = asRecord(parseJsonBody('X', response.body, what));
    if (!body || !asRecord(body.meta) || (body.data !== undefined && !Array.isArray(body.data))) {
      // An answer in a shape we do not know stops here: nothing of it is ingested and the checkpoint stays.
      throw new ConnectorError(
        'unavailable',
        `X answered ${what} in an unknown shape (${!body ? 'not an object' : !asRecord(body.meta) ? 'no meta' : 'data is not a list'}); the page was not read and the checkpoint is kept`,
      );
    }
    const users = new Map<string, Record<string, unknown>>();
    const includes = asRecord(body.includes);
    for (const user of Array.isArray(includes?.users) ? includes.users : []) {
      const record = asRecord(user);
      const id = asString(record?.id);
      if (record && id) users.set(id, record);
    }
    const skipped: SkipCounts = {};
    const tweets = (Array.isArray(body.data) ? body.data : []).flatMap((tweet) => {
      const item = this.normalize(tweet, users, skipped);
      return item ? [item] : [];
    });
    const meta = asRecord(body.meta);
    const nextToken = request.sample ? null : asString(meta?.next_token);
    const walked = advanceWalk(cursor, { items: tweets, nextToken }, skipped, {
      floor,
      rawCount: Array.isArray(body.data) ? body.data.length : 0,
      since: asString(meta?.newest_id),
    });
    const remaining = Number(headerOf(response, 'x-rate-limit-remaining'));
    const spent = Number.isFinite(remaining) && remaining < 1;
    return {
      items: walked.items,
      skipped,
      nextCursor: walked.nextCursor,
      caughtUp: walked.caughtUp,
      ...(spent ? { retryAfterMs: xResetMs(response, this.now()) ?? 60_000 } : {}),
    };
  }

  private normalize(
    tweet: unknown,
    users: Map<string, Record<string, unknown>>,
    skipped: SkipCounts,
  ): NormalizedItem | null {
    const data = asRecord(tweet);
    if (!data) return skip(skipped, 'malformed');
    const versionId = asString(data.id);
    if (!versionId || !/^\d{1,25}$/.test(versionId)) return skip(skipped, 'missing_id');
    const references = (Array.isArray(data.referenced_tweets) ? data.referenced_tweets : []).map(asRecord);
    // A repost carries the original's text cut behind "RT @user:"; the original is its own item (its repost count is
    // in its engagement), so reposts are not counted again.
    if (references.some((r) => r?.type === 'retweeted')) return skip(skipped, 'repost');
    // Every version of an edited post lists the same first id: that id is the item, so an edit replaces, never adds.
    const history = Array.isArray(data.edit_history_tweet_ids) ? data.edit_history_tweet_ids.map(asString) : [];
    const first = history[0];
    const id = first && /^\d{1,25}$/.test(first) ? first : versionId;
    if (data.created_at === undefined) return skip(skipped, 'missing_date');
    const publishedAt = toIso(data.created_at);
    if (!publishedAt) return skip(skipped, 'invalid_date');
    const note = asString(asRecord(data.note_tweet)?.text);
    const text = finishText(decodeText(note ?? asString(data.text) ?? ''));
    if (!text) return skip(skipped, 'empty_text');
    const authorId = asString(data.author_id);
    const user = authorId ? users.get(authorId) : undefined;
    const username = asString(user?.username);
    const metrics = asRecord(data.public_metrics);
    const userMetrics = asRecord(user?.public_metrics);
    const replyTo = references.find((r) => r?.type === 'replied_to');
    const lang = asString(data.lang);
    return {
      source: 'x',
      externalId: id,
      kind: replyTo ? 'comment' : 'post',
      parentExternalId: replyTo ? asString(replyTo.id) : null,
      url: `https://x.com/${username ?? 'i/web'}/status/${versionId}`,
      channel: null,
      author: username ? `@${username}` : authorId,
      title: null,
      text,
      // `und` = X could not tell; `qme`/`zxx`/`qam`/`qct`/`qht`/`qst` = media, mentions, cashtags, hashtags or
      // links only: none of them is a language, so the text is left to detection (connectors/language.ts).
      language: lang && /^[a-z]{2,3}$/.test(lang) && !X_NOT_A_LANGUAGE.has(lang) ? lang : null,
      publishedAt,
      reach: { followers: asCount(userMetrics?.followers_count), impressions: asCount(metrics?.impression_count) },
      engagement: {
        score: null,
        likes: asCount(metrics?.like_count),
        comments: asCount(metrics?.reply_count),
        shares: sumCounts(asCount(metrics?.retweet_count), asCount(metrics?.quote_count)),
      },
    };
  }
}

function sumCounts(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}

const X_NOT_A_LANGUAGE = new Set(['und', 'qme', 'zxx', 'qam', 'qct', 'qht', 'qst']);

/** How far back recent search reaches. */
const X_SEARCH_WINDOW_MS = 7 * 24 * 3600_000;

/** A post id's creation time (X ids are snowflakes: milliseconds since X's epoch in the high bits). */
export function snowflakeMs(id: string): number {
  try {
    return Number(BigInt(id) >> 22n) + 1_288_834_974_657;
  } catch {
    return 0;
  }
}
