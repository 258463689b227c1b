import { decodeHTML } from 'entities';
import { htmlToText, tidy } from './common.ts';

/** How an element's content is to be read: Atom's `type` (and Atom 0.3's MIME types and `mode`), RSS = html. */
export type ContentType = 'text' | 'html' | 'xhtml';

export function contentTypeOf(type: string | null, mode: string | null = null): ContentType {
  const t = type?.trim().toLowerCase() ?? '';
  if (t === 'xhtml' || t === 'application/xhtml+xml') return 'xhtml';
  if (t === 'html' || t === 'text/html' || mode === 'escaped') return 'html';
  return 'text';
}

const CDATA_OR_TEXT = /<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+|<)/g;

/** Raw inner XML of a text element → its character data: CDATA sections as written, the rest entity-decoded once. */
export function characterData(raw: string): string {
  if (!raw.includes('<![CDATA[')) return decodeHTML(raw);
  let out = '';
  for (const m of raw.matchAll(CDATA_OR_TEXT)) out += m[1] !== undefined ? m[1] : decodeHTML(m[2] ?? '');
  return out;
}

/**
 * Raw inner XML of a content element (kept raw by the parser's stop nodes) → plain text:
 *   - `xhtml`: the markup is inline (Reddit's and many blogs' Atom) → HTML to text;
 *   - `html`: escaped or CDATA-wrapped HTML (every RSS description) → unescape, then HTML to text;
 *   - `text`: character data only.
 */
export function contentText(raw: string, type: ContentType): string {
  if (type === 'xhtml') return htmlToText(raw);
  const data = characterData(raw);
  return type === 'html' ? htmlToText(data) : tidy(data);
}

/** A link resolved against its base (xml:base chain, the feed's link, the document URL); only http(s) is kept. */
export function resolveLink(href: string | null, base: string | null): string | null {
  const value = href?.trim();
  if (!value) return null;
  try {
    const url = base ? new URL(value, base) : new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}
