import type { MetaConfig, SkipCounts } from '#shared/contracts/connectors.ts';
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
  parseJsonBody,
  requestFailure,
  skip,
  toIso,
} from './common.ts';
import { appSecretProof, DEFAULT_GRAPH_VERSION } from './graph-version.ts';
import { type GraphGet, META_NESTED_COMMENTS, readMetaThread } from './meta-comments.ts';
import { graphFailure, metaUsageWait } from './platform-errors.ts';
import {
  DEFAULT_COMMENT_WINDOW_HOURS,
  DEFAULT_THREAD_REVISITS_PER_POLL,
  readThreads,
  revisitThreads,
  trackThread,
  withThreads,
} from './threads.ts';
import { advanceWalk, readWalkCursor } from './walk-cursor.ts';

const PAGE_SIZE = 25;
const SAMPLE_SIZE = 5;

/**
 * Meta Graph API: a Page's posts (`GET /{page-id}/posts`) with their newest comments as a nested field, newest first,
 * paged with `paging.cursors.after`. A new post's thread is read on through the comments edge and then followed for a
 * window (`commentWindowHours`), a few threads a poll (`maxThreadRevisitsPerPoll`), as on Reddit (threads.ts).
 * Errors follow Graph's codes: 190 (expired or invalid token) and 10/200-299 (permissions) need a person;
 * 4/17/32/613/80001 are rate limits. Throttling also shows in `X-App-Usage` / `X-Business-Use-Case-Usage`
 * (percentages; `estimated_time_to_regain_access` in minutes).
 */
export class MetaConnector implements SignalConnector<MetaConfig> {
  readonly source = 'meta' as const;

  constructor(
    private readonly http: ConnectorHttp,
    private readonly credentials: () => Promise<ConnectorCredentials['meta']>,
    private readonly graphBaseUrl: string,
    private readonly now: () => number = Date.now,
    private readonly graphVersion: string = DEFAULT_GRAPH_VERSION,
  ) {}

  async poll(request: PollRequest<MetaConfig>): Promise<PollResult> {
    const credentials = await this.credentials();
    if (!credentials)
      throw new ConnectorError('credentials', 'Meta credentials are not configured (META_ACCESS_TOKEN)');
    const { config } = request;
    const cursor = readWalkCursor(request.cursor);
    const fields = [
      'id',
      'message',
      'created_time',
      'permalink_url',
      'from{id,name}',
      'shares',
      'reactions.summary(total_count).limit(0)',
      config.includeComments && !request.sample ? META_NESTED_COMMENTS : 'comments.summary(total_count).limit(0)',
    ].join(',');
    const get: GraphGet = async (path, params, what) => {
      params.set('access_token', credentials.accessToken);
      if (credentials.appSecret)
        params.set('appsecret_proof', appSecretProof(credentials.appSecret, credentials.accessToken));
      const response = await this.http
        .request(`${this.graphBaseUrl}/${this.graphVersion}${path}?${params}`, {
          ...(request.signal ? { signal: request.signal } : {}),
        })
        .catch((error) => {
          throw requestFailure('Meta', error, what);
        });
      if (response.status !== 200) throw graphFailure(response, what);
      return response;
    };
    const params = new URLSearchParams({ fields, limit: String(request.sample ? SAMPLE_SIZE : PAGE_SIZE) });
    const floor = new Date(this.now() - backfillHoursOf(config) * 3600_000);
    if (cursor.walk?.token) params.set('after', cursor.walk.token);
    // First walk: Graph's `since` bounds the Page's history to the backfill window the user chose.
    else if (!cursor.high && !cursor.walk) params.set('since', String(Math.floor(floor.getTime() / 1000)));
    const what = `Page ${config.pageId}`;
    const response = await get(`/${encodeURIComponent(config.pageId)}/posts`, params, what);
    const body = asRecord(parseJsonBody('Meta', response.body, what));
    if (!body || !Array.isArray(body.data))
      throw new ConnectorError('unavailable', `Meta returned no data for ${what}`);
    const skipped: SkipCounts = {};
    const posts: NormalizedItem[] = [];
    const nested = new Map<string, Record<string, unknown> | null>();
    for (const raw of body.data) {
      const post = this.normalizePost(raw, skipped);
      if (!post) continue;
      posts.push(post);
      nested.set(post.externalId, asRecord(asRecord(raw)?.comments));
    }
    const paging = asRecord(body.paging);
    const after = asString(asRecord(paging?.cursors)?.after);
    // Graph gives an `after` cursor on the last page too; only `paging.next` says there is more.
    const nextToken = !request.sample && paging?.next && after ? after : null;
    const walked = advanceWalk(cursor, { items: posts, nextToken }, skipped, {
      floor: floor.toISOString(),
      rawCount: body.data.length,
    });
    let retryAfter = metaUsageWait(response);
    if (!config.includeComments || request.sample) {
      return {
        items: walked.items,
        skipped,
        nextCursor: walked.nextCursor,
        caughtUp: walked.caughtUp,
        ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
      };
    }
    // New posts: their comments, from those nested in the answer on through the comments edge; then followed.
    const threads = readThreads(request.cursor);
    const windowHours = config.commentWindowHours ?? DEFAULT_COMMENT_WINDOW_HOURS;
    const comments: NormalizedItem[] = [];
    for (const post of walked.items) {
      const first = nested.get(post.externalId) ?? { data: [] };
      // A spent budget reads only what came nested in the answer (no further requests); revisits read the rest.
      const thread = await readMetaThread(
        get,
        post,
        { since: null, first, ...(retryAfter !== undefined ? { maxPages: 0 } : {}) },
        skipped,
      );
      retryAfter ??= thread.retryAfter;
      comments.push(...thread.comments);
      trackThread(threads, post, thread.newest, windowHours, this.now());
    }
    if (walked.caughtUp && retryAfter === undefined) {
      // Caught up with new posts: spend what is left of this poll on threads still gathering comments.
      const revisits = await revisitThreads(
        threads,
        this.now(),
        config.maxThreadRevisitsPerPoll ?? DEFAULT_THREAD_REVISITS_PER_POLL,
        skipped,
        (thread) =>
          readMetaThread(
            get,
            { externalId: thread.id, url: thread.url, channel: thread.channel },
            { since: thread.newest },
            skipped,
          ),
      );
      comments.push(...revisits.comments);
      retryAfter = revisits.retryAfter;
    }
    return {
      items: [...walked.items, ...comments],
      skipped,
      nextCursor: withThreads(walked.nextCursor, threads),
      caughtUp: walked.caughtUp,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  }

  private normalizePost(raw: unknown, skipped: SkipCounts): NormalizedItem | null {
    const data = asRecord(raw);
    if (!data) return skip(skipped, 'malformed');
    const id = asString(data.id);
    if (!id) return skip(skipped, 'missing_id');
    if (data.created_time === undefined) return skip(skipped, 'missing_date');
    const publishedAt = toIso(data.created_time);
    if (!publishedAt) return skip(skipped, 'invalid_date');
    // Photo or link posts without a caption have no message: nothing to analyse.
    const text = finishText(decodeText(asString(data.message) ?? ''));
    if (!text) return skip(skipped, 'empty_text');
    const from = asRecord(data.from);
    return {
      source: 'meta',
      externalId: id,
      kind: 'post',
      parentExternalId: null,
      url: asString(data.permalink_url),
      channel: asString(from?.name),
      author: asString(from?.name),
      title: null,
      text,
      language: null,
      publishedAt,
      reach: { followers: null, impressions: null },
      engagement: {
        score: null,
        likes: asCount(asRecord(asRecord(data.reactions)?.summary)?.total_count),
        comments: asCount(asRecord(asRecord(data.comments)?.summary)?.total_count),
        shares: asCount(asRecord(data.shares)?.count),
      },
    };
  }
}
