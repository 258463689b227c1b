import type { AnswerCitation } from '#shared/ports/ai-provider.ts';
import { type OutboundPolicy, outboundRequest, STRICT_OUTBOUND_POLICY } from '../http/outbound-url-guard.ts';

/**
 * Gemini's grounding chunks do not name the page: `web.uri` is a `vertexaisearch.cloud.google.com/grounding-api-
 * redirect/…` link and only `web.title` carries the source's domain. Citation analysis classifies by URL, so an
 * unresolved redirect would make every Gemini citation "google.com". This resolves each redirect to its target with
 * one HEAD (never following it, through the outbound URL guard, so a redirect cannot point us inward), caches the
 * answer, and falls back to the title's domain when the HEAD fails or is over budget.
 */
export const GROUNDING_REDIRECT_HOST = 'vertexaisearch.cloud.google.com';
const REDIRECT_PATH = '/grounding-api-redirect/';

export function isGroundingRedirect(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.hostname === GROUNDING_REDIRECT_HOST && parsed.pathname.startsWith(REDIRECT_PATH);
  } catch {
    return false;
  }
}

/** Where one redirect points (its `location`), or null. */
export type RedirectLookup = (url: string, signal: AbortSignal | undefined) => Promise<string | null>;

export interface GroundingRedirectResolverOptions {
  /** @default a HEAD through the outbound URL guard */
  lookup?: RedirectLookup;
  /** Outbound rules of the default lookup. @default strict (public addresses only) */
  policy?: OutboundPolicy;
  /**
   * Rewrites a redirect URL before the HEAD: the local simulator serves the redirects under its own root, so in
   * simulator mode the registry points `https://vertexaisearch.cloud.google.com/…` there. @default identity
   */
  rewrite?: (url: string) => string;
  /** Deadline of one HEAD. @default 3000 */
  timeoutMs?: number;
  /** HEADs per answer at most (a grounded answer has 3-15 chunks); the rest fall back to the title. @default 20 */
  maxLookupsPerAnswer?: number;
  /** HEADs in flight per answer. @default 5 */
  concurrency?: number;
  /** Cached resolutions (redirect tokens repeat within a run). @default 5000 */
  cacheSize?: number;
}

/** A domain-looking title (`acme.com`, `www.g2.com`) as an https URL, else null. */
export function titleDomainUrl(title: string | undefined): string | null {
  const host = title?.trim().toLowerCase();
  if (!host || !/^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(host)) return null;
  return `https://${host}/`;
}

export class GroundingRedirectResolver {
  readonly #cache = new Map<string, string>();
  readonly #options: GroundingRedirectResolverOptions;
  readonly #lookup: RedirectLookup;

  constructor(options: GroundingRedirectResolverOptions = {}) {
    this.#options = options;
    this.#lookup = options.lookup ?? this.#headLookup;
  }

  #headLookup: RedirectLookup = async (url, signal) => {
    const target = (this.#options.rewrite ?? ((u: string) => u))(url);
    const response = await outboundRequest(
      target,
      {
        method: 'HEAD',
        redirects: 'return',
        timeoutMs: this.#options.timeoutMs ?? 3000,
        maxResponseBytes: 64 * 1024,
        ...(signal ? { signal } : {}),
      },
      this.#options.policy ?? STRICT_OUTBOUND_POLICY,
    );
    const location = response.headers.location;
    return response.status >= 300 && response.status < 400 && typeof location === 'string' ? location : null;
  };

  /**
   * Citations with every grounding redirect replaced by its target (title kept). A redirect that cannot be resolved
   * becomes the title's domain; one whose title is not a domain either is dropped, because a google.com URL would be
   * counted as a third-party citation that the answer never made.
   */
  async resolve(citations: readonly AnswerCitation[], signal?: AbortSignal): Promise<AnswerCitation[]> {
    const budget = this.#options.maxLookupsPerAnswer ?? 20;
    const pending = citations.filter((c) => isGroundingRedirect(c.url) && !this.#cache.has(c.url)).slice(0, budget);
    const queue = [...pending];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const location = await this.#lookup(next.url, signal).catch(() => null);
        const resolved = location && /^https?:\/\//i.test(location) && !isGroundingRedirect(location) ? location : null;
        if (resolved) this.#remember(next.url, resolved);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#options.concurrency ?? 5, queue.length) }, worker));
    const out: AnswerCitation[] = [];
    for (const citation of citations) {
      if (!isGroundingRedirect(citation.url)) {
        out.push(citation);
        continue;
      }
      const url = this.#cache.get(citation.url) ?? titleDomainUrl(citation.title);
      if (url) out.push(citation.title ? { url, title: citation.title } : { url });
    }
    return out;
  }

  #remember(redirect: string, target: string) {
    const max = this.#options.cacheSize ?? 5000;
    if (this.#cache.size >= max) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(redirect, target);
  }
}
