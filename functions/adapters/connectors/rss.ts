import { createHash } from 'node:crypto';
import type { RssConfig, SkipCounts } from '#shared/contracts/connectors.ts';
import type { FeedDecoding } from '#shared/events/schemas.ts';
import {
  ConnectorError,
  type ConnectorHttp,
  countSkip,
  type NormalizedItem,
  type PollRequest,
  type PollResult,
  type SignalConnector,
} from '#shared/ports/signal-connector.ts';
import { failureFor, finishText, headerOf, requestFailure, skip } from './common.ts';
import { decodeFeed } from './feed-charset.ts';
import { parseFeedDate } from './feed-dates.ts';
import { type FeedEntryDraft, type ParsedFeed, readXmlFeed } from './feed-xml.ts';
import { readJsonFeed } from './json-feed.ts';

/** Feed checkpoint: validators for the conditional GET, ids already published, and a paged-feed walk in progress. */
interface FeedCursor {
  etag: string | null;
  lastModified: string | null;
  seen: string[];
  /** RFC 5005 `rel="next"` page still to read in this walk (archived feeds). */
  next: string | null;
  /** Archive pages already read in this walk. */
  depth: number;
}

const SEEN_IDS = 1000;
const SAMPLE_SIZE = 5;
/** Pages of a paged (RFC 5005) feed followed in one walk: older archives are not news any more. */
const MAX_FEED_PAGES = 5;

/**
 * RSS 0.9x/2.0, RDF/RSS 1.0, Atom 0.3/1.0 (fast-xml-parser) and JSON Feed 1.0/1.1, fetched under the outbound URL
 * rules (the feed URL is tenant input). The bytes are decoded by their declared or detected charset (feed-charset.ts),
 * dates read in the languages feeds use (feed-dates.ts), relative links resolved against xml:base or the feed's link,
 * HTML/XHTML content turned into text (feed-content.ts). Items without a readable date are kept, dated by the feed or
 * the fetch and flagged `undated`. Conditional GET with `If-None-Match` / `If-Modified-Since` (a 304 costs nothing),
 * dedupe by guid/id (or link), RFC 5005 `rel="next"` pages followed a few deep. A document that is not a feed is a
 * `config` failure whose message says why (the connector then shows it as needing attention).
 */
export class RssConnector implements SignalConnector<RssConfig> {
  readonly source = 'rss' as const;

  constructor(
    private readonly http: ConnectorHttp,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async poll(request: PollRequest<RssConfig>): Promise<PollResult> {
    const cursor = readFeedCursor(request.cursor);
    const url = cursor.next ?? request.config.feedUrl;
    const headers: Record<string, string> = {
      accept:
        'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.8, application/json;q=0.8',
      'user-agent': 'PromptPulse/1.0 (+feed reader)',
    };
    // Validators belong to the first page only; archive pages are fetched plainly.
    if (!cursor.next && !request.sample) {
      if (cursor.etag) headers['if-none-match'] = cursor.etag;
      if (cursor.lastModified) headers['if-modified-since'] = cursor.lastModified;
    }
    const what = 'the feed';
    const response = await this.http
      .request(url, { headers, ...(request.signal ? { signal: request.signal } : {}) })
      .catch((error) => {
        throw requestFailure('Feed', error, what);
      });
    if (response.status === 304) {
      return { items: [], skipped: {}, nextCursor: JSON.stringify(cursor), caughtUp: true };
    }
    if (response.status !== 200) throw failureFor('Feed', response, what);
    const fetchedAt = this.now().toISOString();
    const decoded = await decodeFeed(
      response.bytes ?? new TextEncoder().encode(response.body),
      headerOf(response, 'content-type'),
    );
    const parsed = readFeedDocument(decoded.text, headerOf(response, 'content-type'), url);
    const reading = { decoding: decoded.decoding, feedDate: parseFeedDate(parsed.date), fetchedAt };
    const defaultLanguage = request.config.defaultLanguage ?? null;

    const skipped: SkipCounts = {};
    const seen = new Set(cursor.seen);
    const inPage = new Set<string>();
    const items: NormalizedItem[] = [];
    for (const draft of parsed.entries) {
      const item = normalizeEntry(draft, parsed, reading, defaultLanguage, skipped);
      if (!item) continue;
      if (inPage.has(item.externalId)) {
        countSkip(skipped, 'duplicate');
        continue;
      }
      inPage.add(item.externalId);
      if (seen.has(item.externalId)) continue;
      items.push(item);
    }
    const depth = cursor.next ? cursor.depth + 1 : 0;
    // Follow the archive only while it still has unseen items, and only a few pages deep.
    const next = !request.sample && parsed.next && items.length > 0 && depth + 1 < MAX_FEED_PAGES ? parsed.next : null;
    const nextCursor: FeedCursor = {
      etag: cursor.next ? cursor.etag : (headerOf(response, 'etag') ?? null),
      lastModified: cursor.next ? cursor.lastModified : (headerOf(response, 'last-modified') ?? null),
      seen: [...items.map((i) => i.externalId), ...cursor.seen].slice(0, SEEN_IDS),
      next,
      depth: next ? depth : 0,
    };
    return {
      items: request.sample ? items.slice(0, SAMPLE_SIZE) : items,
      skipped,
      nextCursor: JSON.stringify(nextCursor),
      caughtUp: next === null,
    };
  }
}

function readFeedCursor(cursor: string | null): FeedCursor {
  const empty: FeedCursor = { etag: null, lastModified: null, seen: [], next: null, depth: 0 };
  if (!cursor) return empty;
  try {
    const c = JSON.parse(cursor) as Partial<FeedCursor>;
    return {
      etag: typeof c.etag === 'string' ? c.etag : null,
      lastModified: typeof c.lastModified === 'string' ? c.lastModified : null,
      seen: Array.isArray(c.seen) ? c.seen.filter((s) => typeof s === 'string') : [],
      next: typeof c.next === 'string' ? c.next : null,
      depth: typeof c.depth === 'number' && c.depth >= 0 ? c.depth : 0,
    };
  } catch {
    return empty;
  }
}

/** The decoded document → a parsed feed: JSON Feed by its content type or its first character, else XML. */
function readFeedDocument(text: string, contentType: string | undefined, url: string): ParsedFeed {
  const body = text.replace(/^\uFEFF/, '');
  const start = body.trimStart();
  if (!start) throw new ConnectorError('config', 'The URL returned an empty document, not a feed');
  // JSON Feed by its first character, or by its content type unless the body is plainly XML (mislabelled servers).
  if (start.startsWith('{') || (/^application\/(?:feed\+)?json/i.test(contentType ?? '') && !start.startsWith('<'))) {
    return readJsonFeed(start, url);
  }
  if (/^<!doctype html|^<html[\s>]/i.test(start)) {
    throw new ConnectorError(
      'config',
      "The URL returned an HTML page, not a feed (look for the site's RSS or Atom link)",
    );
  }
  return readXmlFeed(body, url);
}

interface FeedReadingContext {
  decoding: FeedDecoding;
  /** The feed's own date, read; null when it has none. */
  feedDate: string | null;
  fetchedAt: string;
}

function normalizeEntry(
  draft: FeedEntryDraft | null,
  feed: ParsedFeed,
  reading: FeedReadingContext,
  defaultLanguage: string | null,
  skipped: SkipCounts,
): NormalizedItem | null {
  if (!draft) return skip(skipped, 'malformed');
  const title = draft.title;
  const text = finishText(draft.text);
  if (!title && !text) return skip(skipped, 'empty_text');
  // No guid, link or enclosure (RSS 0.92 and later make them all optional): the item is still real, and known by
  // its content and date as written, so a re-poll finds the same id (an edited item comes back as a new one).
  const id =
    draft.id?.trim() ||
    `sha256:${createHash('sha256')
      .update(`${draft.date ?? ''}\n${title}\n${draft.text}`)
      .digest('hex')}`;
  const itemDate = parseFeedDate(draft.date);
  // An item without a readable date (RSS 0.92 makes dates optional) is kept: dated by the feed's own date when it
  // has one (stable across re-polls, so a re-published event keeps its id), else by the fetch, and flagged.
  const dateSource = itemDate ? 'item' : reading.feedDate ? 'feed' : 'fetched';
  const publishedAt = itemDate ?? reading.feedDate ?? reading.fetchedAt;
  return {
    source: 'rss',
    externalId: id.slice(0, 512),
    kind: 'article',
    parentExternalId: null,
    url: draft.link,
    channel: feed.title,
    author: draft.author,
    title: title || null,
    text,
    language: draft.language ?? feed.language ?? defaultLanguage,
    publishedAt,
    reach: { followers: null, impressions: null },
    engagement: { score: null, likes: null, comments: null, shares: null },
    feed: {
      decoding: reading.decoding,
      undated: itemDate === null,
      dateSource,
      unreadableDate: itemDate === null && draft.date ? draft.date.slice(0, 100) : null,
    },
  };
}
