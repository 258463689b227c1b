import type { SkipCounts } from '#shared/contracts/connectors.ts';
import type { NormalizedItem } from '#shared/ports/signal-connector.ts';
import {
  asCount,
  asRecord,
  asString,
  decodeText,
  finishText,
  type HttpResponse,
  parseJsonBody,
  skip,
  toIso,
} from './common.ts';
import { metaUsageWait } from './platform-errors.ts';
import type { ThreadVisit } from './threads.ts';

/** One Graph GET (token, appsecret_proof and error mapping handled by the caller); `path` is `/{object}/{edge}`. */
export type GraphGet = (path: string, params: URLSearchParams, what: string) => Promise<HttpResponse>;

export const META_COMMENT_FIELDS = 'id,message,created_time,from{id,name},like_count,permalink_url';
/** Nested in the posts request: the 25 newest comments of each post, replies included (`filter(stream)`). */
export const META_NESTED_COMMENTS = `comments.order(reverse_chronological).filter(stream).limit(25).summary(total_count){${META_COMMENT_FIELDS}}`;
const EDGE_PAGE_SIZE = 100;
/** Pages of the comments edge one visit of a thread may read (25 nested + 3 × 100: 325 comments a visit). */
const MAX_EDGE_PAGES = 3;

export type ThreadPost = Pick<NormalizedItem, 'externalId' | 'url' | 'channel'>;

/**
 * A post's comments, newest first (`order=reverse_chronological`, `filter=stream`: replies too), from the comments
 * nested in the posts answer (`first`) and then the `/{post-id}/comments` edge page by page with `after` — never the
 * `paging.next` URL itself, so requests stay on the configured Graph host. Stops at the first comment not newer than
 * `since` (read on an earlier visit), when Graph says there is no more, when a usage header says the budget is spent,
 * or after `maxPages` edge pages (default {@link MAX_EDGE_PAGES}).
 */
export async function readMetaThread(
  get: GraphGet,
  post: ThreadPost,
  options: { since: string | null; first?: Record<string, unknown> | null; maxPages?: number },
  skipped: SkipCounts,
): Promise<ThreadVisit> {
  const comments: NormalizedItem[] = [];
  let retryAfter: number | undefined;
  let page: Record<string, unknown> | null = options.first ?? null;
  let pages = 0;
  if (!page) {
    const response = await get(`/${post.externalId}/comments`, edgeParams(null), `comments of ${post.externalId}`);
    retryAfter = metaUsageWait(response);
    page = asRecord(parseJsonBody('Meta', response.body, `comments of ${post.externalId}`));
    pages++;
  }
  for (;;) {
    let reachedSeen = false;
    for (const raw of Array.isArray(page?.data) ? page.data : []) {
      const created = toIso(asRecord(raw)?.created_time);
      if (options.since !== null && created !== null && created <= options.since) {
        reachedSeen = true;
        break;
      }
      const comment = normalizeMetaComment(raw, post, skipped);
      if (comment) comments.push(comment);
    }
    const paging = asRecord(page?.paging);
    const after = asString(asRecord(paging?.cursors)?.after);
    if (reachedSeen || !paging?.next || !after || pages >= (options.maxPages ?? MAX_EDGE_PAGES)) break;
    if (retryAfter !== undefined) break;
    const response = await get(`/${post.externalId}/comments`, edgeParams(after), `comments of ${post.externalId}`);
    retryAfter = metaUsageWait(response);
    page = asRecord(parseJsonBody('Meta', response.body, `comments of ${post.externalId}`));
    pages++;
  }
  let newest: string | null = null;
  for (const c of comments) if (!newest || c.publishedAt > newest) newest = c.publishedAt;
  return { comments, newest, retryAfter };
}

function edgeParams(after: string | null): URLSearchParams {
  const params = new URLSearchParams({
    order: 'reverse_chronological',
    filter: 'stream',
    limit: String(EDGE_PAGE_SIZE),
    fields: META_COMMENT_FIELDS,
  });
  if (after) params.set('after', after);
  return params;
}

export function normalizeMetaComment(raw: unknown, post: ThreadPost, skipped: SkipCounts): NormalizedItem | null {
  const data = asRecord(raw);
  if (!data) return skip(skipped, 'malformed');
  const id = asString(data.id);
  if (!id) return skip(skipped, 'missing_id');
  const publishedAt = toIso(data.created_time);
  if (!publishedAt) return skip(skipped, data.created_time === undefined ? 'missing_date' : 'invalid_date');
  const text = finishText(decodeText(asString(data.message) ?? ''));
  if (!text) return skip(skipped, 'empty_text');
  return {
    source: 'meta',
    externalId: id,
    kind: 'comment',
    parentExternalId: post.externalId,
    url: asString(data.permalink_url) ?? post.url,
    channel: post.channel,
    author: asString(asRecord(data.from)?.name),
    title: null,
    text,
    language: null,
    publishedAt,
    reach: { followers: null, impressions: null },
    engagement: { score: null, likes: asCount(data.like_count), comments: null, shares: null },
  };
}
