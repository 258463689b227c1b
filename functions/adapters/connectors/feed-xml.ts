import { XMLParser } from 'fast-xml-parser';
import { ConnectorError } from '#shared/ports/signal-connector.ts';
import { asRecord, asString, decodeText } from './common.ts';
import { type ContentType, contentText, contentTypeOf, resolveLink } from './feed-content.ts';

/** One entry of a feed as written, before the connector's checks (id, date, text). */
export interface FeedEntryDraft {
  id: string | null;
  link: string | null;
  title: string;
  text: string;
  author: string | null;
  /** The item's date as written (null when it has none). */
  date: string | null;
  language: string | null;
}

/** A feed of any dialect (RSS 0.9x/2.0, RDF/RSS 1.0, Atom 0.3/1.0, JSON Feed 1.0/1.1), read into drafts. */
export interface ParsedFeed {
  kind: 'rss' | 'atom' | 'json';
  title: string | null;
  language: string | null;
  /** The feed's own date as written (channel lastBuildDate/pubDate, Atom feed updated); null when none. */
  date: string | null;
  /** Entries, or null for an entry that is not an element/object at all (counted `malformed`). */
  entries: (FeedEntryDraft | null)[];
  /** RFC 5005 / JSON Feed next page, resolved. */
  next: string | null;
}

// Elements whose content may be markup are kept raw (stop nodes), so inline XHTML keeps its text in order and
// CDATA/escaped HTML are told apart; everything else is parsed normally.
const RAW_ELEMENTS = ['title', 'description', 'content:encoded', 'content', 'summary', 'subtitle', 'tagline', 'info'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep ids and titles as strings ("2024" must not become a number).
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // RSS 0.91 feeds use HTML entities (&eacute;) that only its DTD defines.
  htmlEntities: true,
  stopNodes: RAW_ELEMENTS.map((name) => `*.${name}`),
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link' || name === 'category',
});

/** Parses an XML feed; a document that is not one throws a `config` ConnectorError saying why. */
export function readXmlFeed(xml: string, documentUrl: string): ParsedFeed {
  if (/<!ENTITY/i.test(xml)) {
    // Custom DTD entities are an XML-bomb vector and never needed by a real feed.
    throw new ConnectorError('config', 'The feed declares XML entities, which are refused');
  }
  let document: Record<string, unknown> | null;
  try {
    document = asRecord(parser.parse(xml));
  } catch (cause) {
    throw new ConnectorError('config', `The feed is not well-formed XML (${(cause as Error).message})`, { cause });
  }
  const rssKey = document && ('rss' in document ? 'rss' : 'rdf:RDF' in document ? 'rdf:RDF' : null);
  if (document && rssKey) {
    // An empty element parses as ''. RSS 0.9x feeds in the wild also put items straight under <rss>, without a
    // <channel>; RDF (RSS 1.0) puts them beside the channel.
    const root = asRecord(document[rssKey]) ?? {};
    const channel = asRecord(root.channel) ?? root;
    return readRss(channel, root, documentUrl);
  }
  const atom = asRecord(document?.feed);
  if (atom) return readAtom(atom, documentUrl);
  const root = Object.keys(document ?? {}).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  throw new ConnectorError(
    'config',
    root
      ? `The URL returned XML whose root element is <${root}>, not an RSS, RDF or Atom feed`
      : 'The URL returned no XML elements at all, not a feed',
  );
}

function readRss(channel: Record<string, unknown>, root: Record<string, unknown>, documentUrl: string): ParsedFeed {
  const xmlBase = resolveLink(asString(channel['@_xml:base']) ?? asString(root['@_xml:base']), documentUrl);
  const siteLink = resolveLink(textOf(channel.link), xmlBase ?? documentUrl);
  // Relative item links are relative to xml:base, else to the site the channel links to, else to the document.
  const base = xmlBase ?? siteLink ?? documentUrl;
  const rawItems = Array.isArray(channel.item) ? channel.item : Array.isArray(root.item) ? root.item : [];
  const feedLanguage = primaryLanguage(textOf(channel.language) ?? textOf(channel['dc:language']));
  return {
    kind: 'rss',
    title: rawText(channel.title, 'html') || null,
    language: feedLanguage,
    date: firstText(channel, ['lastBuildDate', 'pubDate', 'dc:date', 'atom:updated']),
    entries: rawItems.map((raw) => {
      const item = asRecord(raw);
      if (!item) return null;
      const itemBase = resolveLink(asString(item['@_xml:base']), base) ?? base;
      const guid = textOf(item.guid);
      const permalink = asString(asRecord(item.guid)?.['@_isPermaLink']) !== 'false' ? guid : null;
      const link =
        resolveLink(
          textOf(item.link) ?? linkHref(item.link, 'alternate') ?? linkHref(item['atom:link'], 'alternate'),
          itemBase,
        ) ?? (permalink && /^https?:\/\//i.test(permalink) ? permalink : null);
      const enclosure = resolveLink(asString(firstRecord(item.enclosure)?.['@_url']), itemBase);
      return {
        // RSS 0.92+ makes guid and link optional: a podcast episode is known by its enclosure.
        id: guid ?? asString(item['@_rdf:about']) ?? link ?? enclosure,
        link,
        title: rawText(item.title, 'html'),
        text:
          rawText(item['content:encoded'], 'html') ||
          rawText(item.description, 'html') ||
          plain(item['itunes:summary']) ||
          plain(item['itunes:subtitle']) ||
          plain(item['media:description']),
        author: plain(item['dc:creator']) || plain(item.author) || plain(item['itunes:author']) || null,
        date: firstText(item, [
          'pubDate',
          'dc:date',
          'dcterms:issued',
          'dcterms:created',
          'atom:published',
          'atom:updated',
          'dcterms:modified',
        ]),
        language: primaryLanguage(textOf(item['dc:language']) ?? asString(item['@_xml:lang'])),
      };
    }),
    next: resolveLink(linkHref(channel['atom:link'], 'next'), documentUrl),
  };
}

function readAtom(feed: Record<string, unknown>, documentUrl: string): ParsedFeed {
  // Atom links are relative to the xml:base chain, rooted at the document's own URL (RFC 4287 §2, RFC 3986 §5.1).
  const base = resolveLink(asString(feed['@_xml:base']), documentUrl) ?? documentUrl;
  const feedLanguage = primaryLanguage(asString(feed['@_xml:lang']));
  const feedAuthor = textOf(firstRecord(feed.author)?.name);
  const rawEntries = Array.isArray(feed.entry) ? feed.entry : [];
  return {
    kind: 'atom',
    title: atomText(feed.title) || null,
    language: feedLanguage,
    date: firstText(feed, ['updated', 'modified']),
    entries: rawEntries.map((raw) => {
      const entry = asRecord(raw);
      if (!entry) return null;
      const entryBase = resolveLink(asString(entry['@_xml:base']), base) ?? base;
      const link = resolveLink(atomLink(entry.link, entryBase), entryBase);
      const content = asRecord(entry.content);
      // Out-of-line (`src`) or binary content has no text here: the summary stands in.
      const inline =
        !asString(content?.['@_src']) &&
        /^(|text|html|xhtml|text\/.*|application\/xhtml\+xml)$/i.test(asString(content?.['@_type']) ?? '');
      return {
        id: textOf(entry.id) ?? link,
        link,
        title: atomText(entry.title),
        text: (inline ? atomText(entry.content) : '') || atomText(entry.summary),
        author: textOf(firstRecord(entry.author)?.name) ?? feedAuthor,
        date: firstText(entry, ['published', 'updated', 'issued', 'modified', 'created', 'dc:date']),
        language: primaryLanguage(asString(entry['@_xml:lang']) ?? asString(content?.['@_xml:lang'])),
      };
    }),
    next: resolveLink(linkHref(feed.link, 'next'), base),
  };
}

/** A raw (stop-node) element → text, read per its `type`. */
function atomText(value: unknown): string {
  const record = asRecord(value);
  return rawText(value, contentTypeOf(asString(record?.['@_type']), asString(record?.['@_mode'])));
}

function rawText(value: unknown, type: ContentType): string {
  const first = Array.isArray(value) ? value[0] : value;
  const raw = typeof first === 'string' ? first : asString(asRecord(first)?.['#text']);
  return raw ? contentText(raw, type) : '';
}

/** A parsed (non-raw) text element: entities decoded, whitespace tidied. */
function plain(value: unknown): string {
  const text = textOf(value);
  return text ? decodeText(text) : '';
}

/** Text of an element that may carry attributes (`{'#text': ..., '@_type': ...}`). */
export function textOf(value: unknown): string | null {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'string') return value.trim() || null;
  const record = asRecord(value);
  return record ? textOf(record['#text']) : null;
}

function firstText(record: Record<string, unknown>, names: string[]): string | null {
  for (const name of names) {
    const text = textOf(record[name]);
    if (text) return text;
  }
  return null;
}

function firstRecord(value: unknown): Record<string, unknown> | null {
  return asRecord(Array.isArray(value) ? value[0] : value);
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

/** The entry's page: `rel="alternate"` (HTML first), else the first link that is not about the feed machinery. */
function atomLink(value: unknown, base: string): string | null {
  const links = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(asRecord);
  const alternates = links.filter(
    (l) => (asString(l?.['@_rel']) ?? 'alternate') === 'alternate' && asString(l?.['@_href']),
  );
  const html = alternates.find((l) => /html/i.test(asString(l?.['@_type']) ?? 'text/html'));
  const chosen =
    html ??
    alternates[0] ??
    links.find(
      (l) =>
        asString(l?.['@_href']) &&
        !/^(self|edit|next|previous|replies|enclosure|hub)$/.test(asString(l?.['@_rel']) ?? ''),
    );
  const href = asString(chosen?.['@_href']);
  const linkBase = resolveLink(asString(chosen?.['@_xml:base']), base);
  return href && linkBase ? resolveLink(href, linkBase) : href;
}

export function primaryLanguage(tag: string | null): string | null {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : null;
}
