/**
 * Citation extraction and classification: markdown links, reference/footnote definitions, autolinks, bare URLs and
 * provider metadata. URLs are normalised with the WHATWG URL parser and the registrable domain comes from the public
 * suffix list (`tldts`), so `news.bbc.co.uk` belongs to `bbc.co.uk`, not `co.uk`.
 */

import { getDomain } from 'tldts-icann';
import { isImageUrl, scanLinks } from './link-scan.ts';
import { categorize } from './source-categories.ts';
import type { AnalysisWarning, Citation, ProviderCitation, TrackedEntity } from './types.ts';

/** Upper bound of citations kept per text; the rest is reported as a warning. */
export const MAX_CITATIONS = 500;

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
  /** Entity names and aliases that are domains themselves (`monday.com`): written alone they are a name, not a source. */
  nameDomains: ReadonlySet<string>;
}

export { categorize };

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
  const nameDomains = new Set<string>();
  for (const e of entities) {
    const names = [e.name, ...(Array.isArray(e.aliases) ? e.aliases.map((a) => a?.value) : [])];
    for (const n of names)
      if (typeof n === 'string' && /^[^\s/]+\.[a-z]{2,}$/i.test(n.trim())) nameDomains.add(n.trim().toLowerCase());
  }
  return { entries, nameDomains };
}

export function ownerOf(owners: DomainOwners, hostname: string): DomainOwners['entries'][number] | null {
  for (const o of owners.entries) {
    if (hostname === o.host || hostname.endsWith(`.${o.host}`)) return o;
  }
  return null;
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
  const { raws, masked } = scanLinks(
    slice,
    owners.entries.map((o) => o.host),
    owners.nameDomains,
  );
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
    if (r.origin === 'provider' && isImageUrl(r.raw)) continue; // image URLs are never citations
    const norm = normalizeUrl(r.origin === 'domain' ? `https://${r.raw}` : r.raw);
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
  for (const span of masked) urlSpans.push(span);
  urlSpans.sort((a, b) => a[0] - b[0]);
  return { citations, urlSpans, links };
}
