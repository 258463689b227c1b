import type { SkipCounts } from '#shared/contracts/connectors.ts';
import type { NormalizedItem } from '#shared/ports/signal-connector.ts';
import {
  asCount,
  asRecord,
  asString,
  decodeText,
  finishText,
  type HttpResponse,
  headerOf,
  parseJsonBody,
  skip,
  toIso,
} from './common.ts';
import { redditResetMs } from './platform-errors.ts';

/** One GET on Reddit's OAuth API (token, User-Agent and error mapping handled by the caller). */
export type RedditGet = (pathAndQuery: string, what: string) => Promise<HttpResponse>;

/** When `X-Ratelimit-Remaining` says the budget is spent: ms until `X-Ratelimit-Reset` (seconds). */
export function budgetSpent(response: HttpResponse): number | undefined {
  const remaining = Number(headerOf(response, 'x-ratelimit-remaining'));
  if (!Number.isFinite(remaining) || remaining >= 1) return undefined;
  return redditResetMs(response) ?? 60_000;
}

/** The post a comment belongs to, as much of it as a comment item needs. */
export type ThreadPost = Pick<NormalizedItem, 'externalId' | 'url' | 'channel'>;

/**
 * A thread's comments, the whole tree: `/comments/{id}` (newest first, nested `replies` flattened), then one
 * `/api/morechildren` call for the "load more" stubs Reddit leaves when the tree is larger than the answer. Only
 * comments newer than `since` are returned and counted (a revisit reads what arrived since the last visit).
 */
export async function readRedditThread(
  get: RedditGet,
  post: ThreadPost,
  options: { limit: number; since: string | null; webBaseUrl: string },
  skipped: SkipCounts,
): Promise<{ comments: NormalizedItem[]; newest: string | null; retryAfter: number | undefined }> {
  const id = post.externalId.replace(/^t3_/, '');
  const what = `comments of ${post.externalId}`;
  const response = await get(
    `/comments/${id}?${new URLSearchParams({ limit: String(options.limit), sort: 'new', raw_json: '1' })}`,
    what,
  );
  let retryAfter = budgetSpent(response);
  const body = parseJsonBody('Reddit', response.body, what);
  const listing = Array.isArray(body) ? asRecord(asRecord(body[1])?.data) : null;
  const comments: NormalizedItem[] = [];
  const more: string[] = [];
  const walk = (children: unknown) => {
    for (const child of Array.isArray(children) ? children : []) {
      const record = asRecord(child);
      if (record?.kind === 'more') {
        const ids = asRecord(record.data)?.children;
        for (const m of Array.isArray(ids) ? ids : []) if (typeof m === 'string') more.push(m);
        continue;
      }
      // Read on an earlier visit (its skip, if any, was counted then); its replies may still be new.
      const created = toIso(asRecord(record?.data)?.created_utc);
      const seen = options.since !== null && created !== null && created <= options.since;
      const comment = seen ? null : normalizeRedditComment(child, post, options.webBaseUrl, skipped);
      if (comment) comments.push(comment);
      walk(asRecord(asRecord(asRecord(record?.data)?.replies)?.data)?.children);
    }
  };
  walk(listing?.children);
  if (more.length > 0 && retryAfter === undefined) {
    const extra = await get(
      `/api/morechildren?${new URLSearchParams({
        api_type: 'json',
        link_id: `t3_${id}`,
        children: more.slice(0, 100).join(','),
        sort: 'new',
        raw_json: '1',
      })}`,
      `more comments of ${post.externalId}`,
    );
    retryAfter = budgetSpent(extra);
    const things = asRecord(asRecord(asRecord(parseJsonBody('Reddit', extra.body, what))?.json)?.data)?.things;
    walk(things);
  }
  let newest: string | null = null;
  for (const c of comments) if (!newest || c.publishedAt > newest) newest = c.publishedAt;
  return { comments, newest, retryAfter };
}

export function normalizeRedditComment(
  child: unknown,
  post: ThreadPost,
  webBaseUrl: string,
  skipped: SkipCounts,
): NormalizedItem | null {
  const record = asRecord(child);
  const data = asRecord(record?.data);
  if (!data || record?.kind !== 't1') return skip(skipped, 'malformed');
  const id = asString(data.name);
  if (!id) return skip(skipped, 'missing_id');
  const body = asString(data.body) ?? '';
  if (body === '[removed]') return skip(skipped, 'removed');
  if (body === '[deleted]') return skip(skipped, 'deleted');
  const publishedAt = toIso(data.created_utc);
  if (!publishedAt) return skip(skipped, data.created_utc === undefined ? 'missing_date' : 'invalid_date');
  const text = finishText(decodeText(body));
  if (!text) return skip(skipped, 'empty_text');
  const permalink = asString(data.permalink);
  return {
    source: 'reddit',
    externalId: id,
    kind: 'comment',
    parentExternalId: post.externalId,
    url: permalink ? `${webBaseUrl}${permalink}` : post.url,
    channel: post.channel,
    author: asString(data.author),
    title: null,
    text,
    language: null,
    publishedAt,
    reach: { followers: null, impressions: null },
    engagement: { score: asCount(data.score), likes: null, comments: null, shares: null },
  };
}
