/**
 * Citation extraction and classification: markdown links, reference/footnote definitions, autolinks, bare URLs and
 * provider metadata. URLs are normalised with the WHATWG URL parser and the registrable domain comes from the public
 * suffix list (`tldts`), so `news.bbc.co.uk` belongs to `bbc.co.uk`, not `co.uk`.
 */

import { getDomain } from 'tldts-icann';
import type {
  AnalysisWarning,
  Citation,
  CitationOrigin,
  ProviderCitation,
  SourceCategory,
  TrackedEntity,
} from './types.ts';

/** Upper bound of citations kept per text; the rest is reported as a warning. */
export const MAX_CITATIONS = 500;

/** Well-known third-party sources by registrable domain (or full host where the domain is too broad). */
const CATEGORY_LIST: Record<Exclude<SourceCategory, 'other'>, string[]> = {
  review: [
    'g2.com',
    'capterra.com',
    'trustpilot.com',
    'trustradius.com',
    'getapp.com',
    'softwareadvice.com',
    'gartner.com',
    'yelp.com',
    'tripadvisor.com',
    'consumerreports.org',
    'rtings.com',
    'wirecutter.com',
    'pcmag.com',
    'techradar.com',
    'tomsguide.com',
    'runrepeat.com',
    'productreview.com.au',
    'sitejabber.com',
    'clutch.co',
    'producthunt.com',
  ],
  forum: [
    'reddit.com',
    'quora.com',
    'stackoverflow.com',
    'stackexchange.com',
    'news.ycombinator.com',
    'discourse.org',
    'community.spiceworks.com',
    'letsrun.com',
    'tripadvisor.co.uk',
  ],
  news: [
    'nytimes.com',
    'theverge.com',
    'techcrunch.com',
    'reuters.com',
    'bloomberg.com',
    'wsj.com',
    'bbc.co.uk',
    'bbc.com',
    'cnn.com',
    'forbes.com',
    'wired.com',
    'zdnet.com',
    'cnet.com',
    'engadget.com',
    'businessinsider.com',
    'theguardian.com',
    'ft.com',
    'apnews.com',
    'axios.com',
    'venturebeat.com',
    'arstechnica.com',
    'lemonde.fr',
    'elpais.com',
    'spiegel.de',
    'washingtonpost.com',
    'cnbc.com',
    'fastcompany.com',
    'inc.com',
    'runnersworld.com',
  ],
  encyclopedia: ['wikipedia.org', 'britannica.com', 'wikidata.org', 'investopedia.com', 'wiktionary.org'],
  video: ['youtube.com', 'youtu.be', 'vimeo.com', 'tiktok.com', 'twitch.tv', 'dailymotion.com'],
  social: [
    'x.com',
    'twitter.com',
    'linkedin.com',
    'facebook.com',
    'instagram.com',
    'threads.net',
    'bsky.app',
    'mastodon.social',
    'medium.com',
    'substack.com',
  ],
};

const CATEGORY_BY_HOST = new Map<string, SourceCategory>();
for (const [cat, hosts] of Object.entries(CATEGORY_LIST)) {
  for (const h of hosts) CATEGORY_BY_HOST.set(h, cat as SourceCategory);
}

/** Category of a third-party host: full host first (e.g. `news.ycombinator.com`), then its registrable domain. */
export function categorize(hostname: string, domain: string): SourceCategory {
  let h = hostname;
  while (h.length > 0) {
    const c = CATEGORY_BY_HOST.get(h);
    if (c) return c;
    const dot = h.indexOf('.');
    if (dot < 0 || h === domain) break;
    h = h.slice(dot + 1);
  }
  return CATEGORY_BY_HOST.get(domain) ?? 'other';
}

const TRACKING_PARAM = /^(utm_.*|gclid|fbclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src|ref|si|_hsenc|_hsmi|source)$/i;

export interface NormalizedUrl {
  url: string;
  hostname: string;
  domain: string;
}

/** Normalises a URL; returns null when it is not a usable http(s) URL. Never throws. */
export function normalizeUrl(raw: string): NormalizedUrl | null {
  let s = raw.trim();
  if (s.length === 0 || s.length > 4096) return null;
  if (/^www\./i.test(s)) s = `https://${s}`;
  if (!/^https?:\/\//i.test(s)) return null;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  let hostname = u.hostname.toLowerCase().replace(/\.$/, '');
  if (hostname.length === 0 || !/^[a-z0-9.[\]:-]+$/.test(hostname)) return null;
  hostname = hostname.replace(/^www\d?\./, '');
  const params = [...u.searchParams.entries()].filter(([k]) => !TRACKING_PARAM.test(k));
  const search = params.length > 0 ? `?${new URLSearchParams(params).toString()}` : '';
  let path = u.pathname;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const port = u.port ? `:${u.port}` : '';
  let domain: string | null = null;
  try {
    // The ICANN section only (tldts-icann: the same answer as tldts with private domains off, ~45 KB less per bundle).
    domain = getDomain(hostname, { allowPrivateDomains: false });
  } catch {
    domain = null;
  }
  if (!domain && !hostname.includes('.') && !hostname.startsWith('[')) return null;
  return { url: `${u.protocol}//${hostname}${port}${path}${search}`, hostname, domain: domain ?? hostname };
}

/** Owned-domain lookup: host suffix -> entity. */
export interface DomainOwners {
  /** Sorted longest first, so `docs.acme.dev` beats `acme.dev`. */
  entries: { host: string; entityId: string; kind: TrackedEntity['kind'] }[];
}

export function buildDomainOwners(entities: readonly TrackedEntity[]): DomainOwners {
  const entries: DomainOwners['entries'] = [];
  const seen = new Set<string>();
  const ordered = entities
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.kind === b.e.kind ? a.i - b.i : a.e.kind === 'brand' ? -1 : 1));
  for (const { e } of ordered) {
    for (const d of Array.isArray(e.ownedDomains) ? e.ownedDomains : []) {
      if (typeof d !== 'string') continue;
      const host = d
        .trim()
        .toLowerCase()
        .replace(/^[a-z]+:\/\//, '')
        .replace(/^www\d?\./, '')
        .replace(/[/:?#].*$/, '')
        .replace(/\.$/, '');
      if (host.length === 0 || seen.has(host)) continue; // first (brand-first) owner wins on collisions
      seen.add(host);
      entries.push({ host, entityId: e.id, kind: e.kind });
    }
  }
  entries.sort((a, b) => b.host.length - a.host.length || (a.host < b.host ? -1 : 1));
  return { entries };
}

export function ownerOf(owners: DomainOwners, hostname: string): DomainOwners['entries'][number] | null {
  for (const o of owners.entries) {
    if (hostname === o.host || hostname.endsWith(`.${o.host}`)) return o;
  }
  return null;
}

interface RawCitation {
  raw: string;
  origin: CitationOrigin;
  start: number | null;
  end: number | null;
  title: string | null;
  /** Offsets of the link label, for markdown links. */
  labelStart: number | null;
  labelEnd: number | null;
}

const MD_LINK = /!?\[([^\]\n]{0,500})\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))+)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/dg;
const REF_DEF = /^[ \t]{0,3}\[(\^?[^\]\n]{1,100})\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$/dgm;
const AUTOLINK = /<((?:https?:\/\/|www\.)[^>\s]+)>/gi;
const BARE_URL = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;

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

export interface ExtractedCitations {
  citations: Citation[];
  /** [start, end) of every URL in the text (not labels): names inside them are not mentions. */
  urlSpans: [number, number][];
  /** Markdown link label spans aligned with the URL they point to. */
  links: { labelStart: number; labelEnd: number; urlStart: number; urlEnd: number; citationIndex: number }[];
}

/** Extracts and classifies citations from `text[0, limit)` and provider metadata. */
export function extractCitations(
  text: string,
  limit: number,
  provider: readonly ProviderCitation[] | undefined,
  owners: DomainOwners,
  warnings: AnalysisWarning[],
): ExtractedCitations {
  const slice = limit < text.length ? text.slice(0, limit) : text;
  const raws: RawCitation[] = [];
  const taken: [number, number][] = [];
  const overlaps = (a: number, b: number): boolean => taken.some(([s, e]) => a < e && b > s);

  for (const m of slice.matchAll(MD_LINK)) {
    const full = m[0];
    if (full.startsWith('!')) continue; // images are not citations
    const label = m[1] ?? '';
    const url = m[2] ?? '';
    const start = m.indices?.[2]?.[0] ?? 0;
    const labelStart = m.indices?.[1]?.[0] ?? 0;
    raws.push({
      raw: url,
      origin: 'markdown-link',
      start,
      end: start + url.length,
      title: label.trim() || null,
      labelStart,
      labelEnd: labelStart + label.length,
    });
    taken.push([m.index ?? 0, (m.index ?? 0) + full.length]);
  }
  for (const m of slice.matchAll(REF_DEF)) {
    const url = m[2] ?? '';
    const start = m.indices?.[2]?.[0] ?? 0;
    if (overlaps(start, start + url.length)) continue;
    raws.push({
      raw: url,
      origin: 'footnote',
      start,
      end: start + url.length,
      title: null,
      labelStart: null,
      labelEnd: null,
    });
    taken.push([start, start + url.length]);
  }
  for (const m of slice.matchAll(AUTOLINK)) {
    const url = m[1] ?? '';
    const start = (m.index ?? 0) + 1;
    if (overlaps(start, start + url.length)) continue;
    raws.push({
      raw: url,
      origin: 'autolink',
      start,
      end: start + url.length,
      title: null,
      labelStart: null,
      labelEnd: null,
    });
    taken.push([start, start + url.length]);
  }
  for (const m of slice.matchAll(BARE_URL)) {
    const start = m.index ?? 0;
    if (start > 0 && /[\w@/.-]/.test(slice.charAt(start - 1))) continue;
    const url = trimUrlTail(m[0]);
    if (overlaps(start, start + url.length)) continue;
    raws.push({
      raw: url,
      origin: 'bare-url',
      start,
      end: start + url.length,
      title: null,
      labelStart: null,
      labelEnd: null,
    });
    taken.push([start, start + url.length]);
  }
  raws.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  for (const p of Array.isArray(provider) ? provider : []) {
    if (!p || typeof p.url !== 'string') continue;
    raws.push({
      raw: p.url,
      origin: 'provider',
      start: null,
      end: null,
      title: typeof p.title === 'string' ? p.title : null,
      labelStart: null,
      labelEnd: null,
    });
  }

  const citations: Citation[] = [];
  const byUrl = new Map<string, number>();
  const urlSpans: [number, number][] = [];
  const links: ExtractedCitations['links'] = [];
  let invalid = 0;
  let dropped = 0;
  for (const r of raws) {
    if (r.start !== null && r.end !== null) urlSpans.push([r.start, r.end]);
    const norm = normalizeUrl(r.raw);
    if (!norm) {
      // Relative links and anchors in markdown are not citations; only report things that look like URLs.
      if (/^(https?:|www\.)/i.test(r.raw)) invalid++;
      continue;
    }
    let idx = byUrl.get(norm.url);
    if (idx === undefined) {
      if (citations.length >= MAX_CITATIONS) {
        dropped++;
        continue;
      }
      const owner = ownerOf(owners, norm.hostname);
      idx = citations.length;
      byUrl.set(norm.url, idx);
      citations.push({
        url: norm.url,
        domain: norm.domain,
        hostname: norm.hostname,
        origin: r.origin,
        start: r.start,
        end: r.end,
        title: r.title,
        class: owner ? (owner.kind === 'brand' ? 'owned' : 'competitor') : 'third-party',
        entityId: owner ? owner.entityId : null,
        category: owner ? 'other' : categorize(norm.hostname, norm.domain),
        occurrences: 1,
      });
    } else {
      const c = citations[idx]!;
      c.occurrences++;
      if (c.title === null && r.title) c.title = r.title;
    }
    if (r.labelStart !== null && r.labelEnd !== null && r.start !== null && r.end !== null) {
      links.push({
        labelStart: r.labelStart,
        labelEnd: r.labelEnd,
        urlStart: r.start,
        urlEnd: r.end,
        citationIndex: idx,
      });
    }
  }
  if (invalid > 0)
    warnings.push({ code: 'invalid-url', message: `${invalid} URL(s) could not be parsed and were ignored` });
  if (dropped > 0) {
    warnings.push({
      code: 'too-many-citations',
      message: `${dropped} citation(s) beyond ${MAX_CITATIONS} were ignored`,
    });
  }
  urlSpans.sort((a, b) => a[0] - b[0]);
  return { citations, urlSpans, links };
}
