import { XMLParser } from 'fast-xml-parser';
import type { RssConfig, SkipCounts } from '#shared/contracts/connectors.ts';
import {
  ConnectorError,
  type ConnectorHttp,
  countSkip,
  type NormalizedItem,
  type PollRequest,
  type PollResult,
  type SignalConnector,
} from '#shared/ports/signal-connector.ts';
import {
  asRecord,
  asString,
  decodeText,
  failureFor,
  finishText,
  headerOf,
  htmlToText,
  requestFailure,
  skip,
  toIso,
} from './common.ts';

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

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep ids and titles as strings ("2024" must not become a number).
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link' || name === 'category',
});

/**
 * RSS 2.0 and Atom 1.0 feeds (fast-xml-parser), fetched under the outbound URL rules (the feed URL is tenant
 * input). Conditional GET with `If-None-Match` / `If-Modified-Since` (a 304 costs nothing), dedupe by guid/id (or
 * link), HTML descriptions turned into text with entities decoded (`entities`), RFC 5005 `rel="next"` pages
 * followed a few deep.
 */
export class RssConnector implements SignalConnector<RssConfig> {
  readonly source = 'rss' as const;

  constructor(private readonly http: ConnectorHttp) {}

  async poll(request: PollRequest<RssConfig>): Promise<PollResult> {
    const cursor = readFeedCursor(request.cursor);
    const url = cursor.next ?? request.config.feedUrl;
    const headers: Record<string, string> = {
      accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8',
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
    if (/<!ENTITY/i.test(response.body)) {
      // Custom DTD entities are an XML-bomb vector and never needed by a real feed.
      throw new ConnectorError('config', 'The feed declares XML entities, which are refused');
    }
    let document: Record<string, unknown> | null;
    try {
      document = asRecord(parser.parse(response.body));
    } catch (cause) {
      throw new ConnectorError(
        'config',
        `The URL did not return a readable RSS or Atom feed (${(cause as Error).message})`,
        { cause },
      );
    }
    const parsed = readFeed(document, request.config.defaultLanguage ?? null);
    if (!parsed) throw new ConnectorError('config', 'The URL did not return an RSS or Atom feed');

    const skipped: SkipCounts = {};
    const seen = new Set(cursor.seen);
    const inPage = new Set<string>();
    const items: NormalizedItem[] = [];
    for (const raw of parsed.entries) {
      const item =
        parsed.kind === 'rss' ? normalizeRssItem(raw, parsed, skipped) : normalizeAtomEntry(raw, parsed, skipped);
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
    const next =
      !request.sample && parsed.next && items.length > 0 && depth + 1 < MAX_FEED_PAGES
        ? new URL(parsed.next, url).toString()
        : null;
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

interface ParsedFeed {
  kind: 'rss' | 'atom';
  title: string | null;
  language: string | null;
  entries: unknown[];
  next: string | null;
}

function readFeed(document: Record<string, unknown> | null, defaultLanguage: string | null): ParsedFeed | null {
  const rss = asRecord(asRecord(document?.rss)?.channel) ?? asRecord(asRecord(document?.['rdf:RDF'])?.channel);
  if (rss) {
    const rdfItems = asRecord(document?.['rdf:RDF'])?.item;
    return {
      kind: 'rss',
      title: textOf(rss.title),
      language: primaryLanguage(textOf(rss.language)) ?? defaultLanguage,
      entries: Array.isArray(rss.item) ? rss.item : Array.isArray(rdfItems) ? rdfItems : [],
      next: linkHref(rss['atom:link'], 'next'),
    };
  }
  const atom = asRecord(document?.feed);
  if (atom) {
    return {
      kind: 'atom',
      title: textOf(atom.title),
      language: primaryLanguage(asString(atom['@_xml:lang'])) ?? defaultLanguage,
      entries: Array.isArray(atom.entry) ? atom.entry : [],
      next: linkHref(atom.link, 'next'),
    };
  }
  return null;
}

function normalizeRssItem(raw: unknown, feed: ParsedFeed, skipped: SkipCounts): NormalizedItem | null {
  const item = asRecord(raw);
  if (!item) return skip(skipped, 'malformed');
  const link = textOf(item.link) ?? linkHref(item.link, 'alternate');
  const id = textOf(item.guid) ?? link;
  if (!id) return skip(skipped, 'missing_id');
  const date = textOf(item.pubDate) ?? textOf(item['dc:date']);
  if (!date) return skip(skipped, 'missing_date');
  const publishedAt = toIso(date);
  if (!publishedAt) return skip(skipped, 'invalid_date');
  const title = decodeText(textOf(item.title) ?? '');
  const html = textOf(item['content:encoded']) ?? textOf(item.description) ?? '';
  const text = finishText(htmlToText(html));
  if (!title && !text) return skip(skipped, 'empty_text');
  return article(
    id.slice(0, 512),
    link,
    feed,
    textOf(item['dc:creator']) ?? textOf(item.author),
    title,
    text,
    publishedAt,
  );
}

function normalizeAtomEntry(raw: unknown, feed: ParsedFeed, skipped: SkipCounts): NormalizedItem | null {
  const entry = asRecord(raw);
  if (!entry) return skip(skipped, 'malformed');
  const link = linkHref(entry.link, 'alternate');
  const id = textOf(entry.id) ?? link;
  if (!id) return skip(skipped, 'missing_id');
  const date = textOf(entry.published) ?? textOf(entry.updated);
  if (!date) return skip(skipped, 'missing_date');
  const publishedAt = toIso(date);
  if (!publishedAt) return skip(skipped, 'invalid_date');
  const title = decodeText(textOf(entry.title) ?? '');
  const content = asRecord(entry.content) ?? asRecord(entry.summary);
  const body = textOf(entry.content) ?? textOf(entry.summary) ?? '';
  const text = finishText(asString(content?.['@_type']) === 'text' ? decodeText(body) : htmlToText(body));
  if (!title && !text) return skip(skipped, 'empty_text');
  const author = textOf(asRecord(entry.author)?.name);
  const language = primaryLanguage(asString(entry['@_xml:lang'])) ?? feed.language;
  return { ...article(id.slice(0, 512), link, feed, author, title, text, publishedAt), language };
}

function article(
  id: string,
  link: string | null,
  feed: ParsedFeed,
  author: string | null,
  title: string,
  text: string,
  publishedAt: string,
): NormalizedItem {
  return {
    source: 'rss',
    externalId: id,
    kind: 'article',
    parentExternalId: null,
    url: link && /^https?:\/\//i.test(link) ? link : null,
    channel: feed.title ? decodeText(feed.title) : null,
    author: author ? decodeText(author) : null,
    title: title || null,
    text,
    language: feed.language,
    publishedAt,
    reach: { followers: null, impressions: null },
    engagement: { score: null, likes: null, comments: null, shares: null },
  };
}

/** Text of an element that may carry attributes (`{'#text': ..., '@_type': ...}`). */
function textOf(value: unknown): string | null {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'string') return value.trim() || null;
  const record = asRecord(value);
  return record ? textOf(record['#text']) : null;
}

function linkHref(value: unknown, rel: string): string | null {
  const links = Array.isArray(value) ? value : value === undefined ? [] : [value];
  for (const link of links) {
    const record = asRecord(link);
    const linkRel = asString(record?.['@_rel']) ?? 'alternate';
    const href = asString(record?.['@_href']);
    if (href && linkRel === rel) return href;
  }
  return null;
}

function primaryLanguage(tag: string | null): string | null {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : null;
}
