import { ConnectorError } from '#shared/ports/signal-connector.ts';
import { asRecord, asString, decodeText, htmlToText } from './common.ts';
import { resolveLink } from './feed-content.ts';
import { type ParsedFeed, primaryLanguage } from './feed-xml.ts';

const VERSION = /^https?:\/\/jsonfeed\.org\/version\/1(?:\.\d+)?\/?$/;

/**
 * JSON Feed 1.0 and 1.1 (jsonfeed.org): `items[]` with `id`, `url`/`external_url`, `title`, `content_html` /
 * `content_text` / `summary`, `date_published` / `date_modified`, `authors` (1.1) or `author` (1.0), `language`
 * (1.1, item or feed), and `next_url` paging. Relative URLs resolve against `home_page_url`, else `feed_url`, else
 * the document URL. A JSON document that is not a JSON Feed throws a `config` error saying so.
 */
export function readJsonFeed(json: string, documentUrl: string): ParsedFeed {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (cause) {
    throw new ConnectorError('config', `The feed looks like JSON but does not parse (${(cause as Error).message})`, {
      cause,
    });
  }
  const feed = asRecord(document);
  const version = asString(feed?.version);
  if (!feed || !version || !VERSION.test(version)) {
    throw new ConnectorError('config', 'The URL returned JSON that is not a JSON Feed (no jsonfeed.org version)');
  }
  const base =
    resolveLink(asString(feed.home_page_url), documentUrl) ??
    resolveLink(asString(feed.feed_url), documentUrl) ??
    documentUrl;
  const feedAuthor = authorOf(feed);
  const items = Array.isArray(feed.items) ? feed.items : [];
  return {
    kind: 'json',
    title: asString(feed.title) ? decodeText(asString(feed.title) as string) : null,
    language: primaryLanguage(asString(feed.language)),
    date: null,
    entries: items.map((raw) => {
      const item = asRecord(raw);
      if (!item) return null;
      const link = resolveLink(asString(item.url), base) ?? resolveLink(asString(item.external_url), base);
      const html = asString(item.content_html);
      const text = asString(item.content_text);
      const summary = asString(item.summary);
      return {
        id: asString(item.id)?.trim() || link,
        link,
        title: decodeText(asString(item.title) ?? ''),
        text: html ? htmlToText(html) : text ? decodeText(text) : summary ? decodeText(summary) : '',
        author: authorOf(item) ?? feedAuthor,
        date: asString(item.date_published) ?? asString(item.date_modified),
        language: primaryLanguage(asString(item.language)),
      };
    }),
    next: resolveLink(asString(feed.next_url), documentUrl),
  };
}

function authorOf(record: Record<string, unknown>): string | null {
  const authors = Array.isArray(record.authors) ? record.authors : record.author ? [record.author] : [];
  const name = asString(asRecord(authors[0])?.name);
  return name ? decodeText(name) : null;
}
