/**
 * Finds the places in a text that point at a source: markdown links (inline, reference-style, linked images), HTML
 * `<a href>`, reference/footnote definitions, autolinks, bare URLs and domains written in prose (`hubspot.com/pricing`).
 * Image URLs are found too, but only so that they are never cited and names inside them are never mentions:
 * `![logo](…)`, `[![badge](img)](link)` (the link counts, the image does not), reference-style images (`![x][logo]`
 * with `[logo]: url`, unless a plain link uses the same definition), `<img src>` / `<source srcset>`, and any URL whose
 * path ends in an image extension.
 */

import { isLetterOrNumber } from './chars.ts';
import type { CitationOrigin } from './types.ts';

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export interface RawCitation {
  raw: string;
  origin: CitationOrigin;
  start: number | null;
  end: number | null;
  title: string | null;
  /** Offsets of the link label, for markdown links. */
  labelStart: number | null;
  labelEnd: number | null;
}

export interface LinkScan {
  raws: RawCitation[];
  /** URL spans that are not citations (images): names inside them are not mentions either. */
  masked: [number, number][];
}

const LABEL = String.raw`[^\[\]\n]{0,500}`;
const DEST = String.raw`<?((?:[^()\s<>]|\([^()\s]*\))+)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*`;
/** `[![alt](image)](link)`: group 1 alt, 2 image URL, 3 link URL. */
const LINKED_IMAGE = new RegExp(String.raw`\[\s*!\[(${LABEL})\]\(\s*${DEST}\)\s*\]\(\s*${DEST}\)`, 'dg');
const MD_LINK = new RegExp(String.raw`(!?)\[(${LABEL})\]\(\s*${DEST}\)`, 'dg');
const REF_DEF = /^[ \t]{0,3}\[(\^?[^\]\n]{1,100})\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$/dgm;
/** Reference uses: `![alt][ref]`, `![ref][]`, `![ref]` (images) and `[text][ref]`, `[ref]` (links). */
const REF_USE = /(!?)\[([^[\]\n]{1,500})\](?:\[([^[\]\n]{0,100})\])?(?![(:])/g;
const AUTOLINK = /<((?:https?:\/\/|www\.)[^>\s]+)>/gi;
const BARE_URL = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
const HTML_IMAGE_TAG = /<(?:img|source|picture|video|image)\b[^>]{0,2000}>/gi;
const HTML_LINK = /<a\b[^>]{0,1000}?\bhref\s*=\s*(["']?)([^"'\s>]+)\1/dgi;
/** A domain in prose, optionally followed by a path: `hubspot.com`, `G2.com/products/x`, `docs.acme.io/api`. */
const PROSE_DOMAIN =
  /((?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[a-z]{2,13})(?![\p{L}\p{N}_@-])((?:\/[^\s<>"'`|]*)?)/uy;
/** Cheap pre-filter for PROSE_DOMAIN: a dot followed by a lower-case label (the full pattern runs only there). */
const DOT_LABEL = /\.[a-z]{2,13}(?![A-Za-z0-9_@-])/g;
const IMAGE_PATH = /\.(?:png|jpe?g|gif|svg|webp|avif|bmp|ico|tiff?|heic)(?:$|[?#])/i;

/**
 * Top-level domains accepted for a domain written in prose without a scheme. Common TLDs only: many file extensions
 * are also TLDs (`README.md`, `app.py`, `run.sh`, `data.zip`), so a bare `name.ext` is read as a domain only for
 * these, or when it is one of the tracked entities' own domains.
 */
const PROSE_TLDS = new Set(
  (
    'com org net io ai co dev app so me ly gg tv xyz info biz us uk de fr es it nl ca au jp cn in br eu ch se no dk fi ' +
    'at be ie nz sg hk tw kr mx ar cl za pt pl cz ru tech cloud store shop site online blog news edu gov mil int ' +
    'health ag is to fm cc ac id vn th my ph tr gr hu ro il ae sa ng ke pk bd'
  ).split(' '),
);
/** TLDs that are usually file extensions (`setup.sh`, `main.py`): accepted only with a path or for owned domains. */
const FILE_LIKE_TLDS = new Set(['sh', 'pl', 'md', 'py', 'rs', 'zip', 'mov', 'so', 'is', 'to', 'ai', 'me', 'cc', 'ac']);

/** True when the URL (scheme or not) points at an image file. */
export function isImageUrl(url: string): boolean {
  const q = url.search(/[?#]/);
  const path = q >= 0 ? url.slice(0, q) : url;
  return IMAGE_PATH.test(path) || IMAGE_PATH.test(url);
}

function normLabel(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

function trimUrlTail(url: string): string {
  let u = url.replace(/[.,;:!?*_~]+$/, '');
  // Drop unbalanced closing brackets (e.g. "(see https://x.com/a)").
  while (/[)\]}]$/.test(u)) {
    const close = u.charAt(u.length - 1);
    const open = close === ')' ? '(' : close === ']' ? '[' : '{';
    if (u.split(open).length >= u.split(close).length) break;
    u = u.slice(0, -1);
  }
  return u.replace(/[.,;:!?*_~]+$/, '');
}

/**
 * Scans `slice` for cited URLs and image URLs. `ownedHosts` are tracked entities' domains (always accepted in prose),
 * `nameDomains` are entity names/aliases that look like domains (`monday.com` written alone is the brand's name, a
 * text mention, not a citation).
 */
export function scanLinks(slice: string, ownedHosts: readonly string[], nameDomains: ReadonlySet<string>): LinkScan {
  const raws: RawCitation[] = [];
  const masked: [number, number][] = [];
  const taken: [number, number][] = [];
  const overlaps = (a: number, b: number): boolean => taken.some(([s, e]) => a < e && b > s);
  const mask = (a: number, b: number): void => {
    masked.push([a, b]);
    taken.push([a, b]);
  };
  const push = (r: RawCitation): void => {
    if (r.start !== null && r.end !== null && isImageUrl(r.raw)) {
      mask(r.start, r.end);
      return;
    }
    raws.push(r);
    if (r.start !== null && r.end !== null) taken.push([r.start, r.end]);
  };
  const plain = (raw: string, origin: CitationOrigin, start: number): RawCitation => ({
    raw,
    origin,
    start,
    end: start + raw.length,
    title: null,
    labelStart: null,
    labelEnd: null,
  });

  if (slice.includes('<')) {
    for (const m of slice.matchAll(HTML_IMAGE_TAG)) mask(m.index, m.index + m[0].length);
    for (const m of slice.matchAll(HTML_LINK)) {
      const start = m.indices?.[2]?.[0] ?? 0;
      if (!overlaps(start, start + m[2]!.length)) push(plain(m[2]!, 'html-link', start));
    }
  }
  if (slice.includes('](')) {
    for (const m of slice.matchAll(LINKED_IMAGE)) {
      const img = m.indices?.[2];
      const link = m.indices?.[3];
      if (!img || !link || overlaps(m.index, m.index + m[0].length)) continue;
      mask(m.index + 1, img[1] + 1);
      const alt = m[1] ?? '';
      const altStart = m.indices?.[1]?.[0] ?? 0;
      push({
        raw: m[3]!,
        origin: 'markdown-link',
        start: link[0],
        end: link[1],
        title: alt.trim() || null,
        labelStart: altStart,
        labelEnd: altStart + alt.length,
      });
      taken.push([m.index, m.index + m[0].length]);
    }
    for (const m of slice.matchAll(MD_LINK)) {
      if (overlaps(m.index, m.index + m[0].length)) continue;
      const url = m[3] ?? '';
      const start = m.indices?.[3]?.[0] ?? 0;
      if (m[1] === '!') {
        // Images are never citations, and their alt text is no mention ("![Acme logo](…)").
        mask(m.index, m.index + m[0].length);
        continue;
      }
      const label = m[2] ?? '';
      const labelStart = m.indices?.[2]?.[0] ?? 0;
      push({
        raw: url,
        origin: 'markdown-link',
        start,
        end: start + url.length,
        title: label.trim() || null,
        labelStart,
        labelEnd: labelStart + label.length,
      });
      taken.push([m.index, m.index + m[0].length]);
    }
  }
  if (slice.includes(']:')) {
    // Definitions used only by images are image URLs.
    const imageRefs = new Set<string>();
    const linkRefs = new Set<string>();
    for (const m of slice.matchAll(REF_USE)) {
      const ref = normLabel(m[3] ? m[3] : m[2]!);
      (m[1] === '!' ? imageRefs : linkRefs).add(ref);
    }
    for (const m of slice.matchAll(REF_DEF)) {
      const url = m[2] ?? '';
      const start = m.indices?.[2]?.[0] ?? 0;
      if (overlaps(start, start + url.length)) continue;
      const label = normLabel(m[1]!);
      if (imageRefs.has(label) && !linkRefs.has(label)) mask(start, start + url.length);
      else push(plain(url, 'footnote', start));
    }
  }
  for (const m of slice.matchAll(AUTOLINK)) {
    const start = m.index + 1;
    if (!overlaps(start, start + m[1]!.length)) push(plain(m[1]!, 'autolink', start));
  }
  for (const m of slice.matchAll(BARE_URL)) {
    const start = m.index;
    if (start > 0 && /[\w@/.-]/.test(slice.charAt(start - 1))) continue;
    const url = trimUrlTail(m[0]);
    if (!overlaps(start, start + url.length)) push(plain(url, 'bare-url', start));
  }
  let domainEnd = -1;
  for (const dot of slice.matchAll(DOT_LABEL)) {
    if (dot.index < domainEnd) continue;
    // Walk back to the start of the host name, then match the full pattern there (sticky).
    let hostStart = dot.index;
    while (hostStart > 0) {
      const ch = slice.charCodeAt(hostStart - 1);
      if (ch === 46 || ch === 45 || (ch < 128 ? isAsciiAlnum(ch) : isLetterOrNumber(ch))) hostStart--;
      else break;
    }
    while (hostStart < dot.index && !isAsciiAlnum(slice.charCodeAt(hostStart)) && slice.charCodeAt(hostStart) < 128)
      hostStart++;
    const prev = hostStart > 0 ? slice.charCodeAt(hostStart - 1) : -1;
    if (prev === 64 || prev === 47 || prev === 58 || prev === 92 || prev === 95) continue; // e-mail, path, scheme
    PROSE_DOMAIN.lastIndex = hostStart;
    const m = PROSE_DOMAIN.exec(slice);
    if (!m) continue;
    domainEnd = hostStart + m[0].length;
    const host = m[1]!;
    const tld = host.slice(host.lastIndexOf('.') + 1);
    const path = trimUrlTail(m[2] ?? '');
    const lower = host.toLowerCase();
    // Lower-case TLD only ("tool.It works" is a missing space); file-like TLDs need a path. Tracked entities' own
    // domains are always accepted (checked last: it is the expensive test).
    const common = PROSE_TLDS.has(tld) && !(FILE_LIKE_TLDS.has(tld) && path.length < 2);
    if (!common && !ownedHosts.some((h) => lower === h || lower.endsWith(`.${h}`))) continue;
    if (path.length < 2 && nameDomains.has(lower)) continue; // "monday.com" alone is the brand's name
    const start = hostStart;
    const raw = host + (path.length >= 2 ? path : '');
    if (overlaps(start, start + raw.length)) continue;
    push(plain(raw, 'domain', start));
  }
  raws.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  return { raws, masked };
}
