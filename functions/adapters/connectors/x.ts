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
import {
  advanceWalk,
  asCount,
  asRecord,
  asString,
  decodeText,
  finishText,
  headerOf,
  parseJsonBody,
  readWalkCursor,
  requestFailure,
  skip,
  toIso,
} from './common.ts';
import { xFailure, xResetMs } from './platform-errors.ts';

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
      'tweet.fields': 'created_at,lang,public_metrics,author_id,conversation_id,referenced_tweets',
      expansions: 'author_id',
      'user.fields': 'username,public_metrics',
    });
    if (cursor.walk) params.set('next_token', cursor.walk.token);
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
    if (!body) throw new ConnectorError('unavailable', `X returned an unexpected body for ${what}`);
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
    const walked = advanceWalk(cursor, { items: tweets, nextToken }, skipped);
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
    const id = asString(data.id);
    if (!id || !/^\d{1,25}$/.test(id)) return skip(skipped, 'missing_id');
    if (data.created_at === undefined) return skip(skipped, 'missing_date');
    const publishedAt = toIso(data.created_at);
    if (!publishedAt) return skip(skipped, 'invalid_date');
    const text = finishText(decodeText(asString(data.text) ?? ''));
    if (!text) return skip(skipped, 'empty_text');
    const authorId = asString(data.author_id);
    const user = authorId ? users.get(authorId) : undefined;
    const username = asString(user?.username);
    const metrics = asRecord(data.public_metrics);
    const userMetrics = asRecord(user?.public_metrics);
    const replyTo = (Array.isArray(data.referenced_tweets) ? data.referenced_tweets : [])
      .map(asRecord)
      .find((r) => r?.type === 'replied_to');
    const lang = asString(data.lang);
    return {
      source: 'x',
      externalId: id,
      kind: replyTo ? 'comment' : 'post',
      parentExternalId: replyTo ? asString(replyTo.id) : null,
      url: `https://x.com/${username ?? 'i/web'}/status/${id}`,
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
