import type { IncomingMessage } from 'node:http';
import type { ProviderId } from '#shared/ports/ai-provider.ts';
import type { TokenBucket } from './faults.ts';
import { type Rng, token } from './rng.ts';

/** The simulator's HTTP plumbing: counters, body reading, keys, and each provider's id and rate-limit headers. */

export interface ProviderCounters {
  /** Requests routed to the provider (including rejected ones). */
  requests: number;
  /** 200 responses with a usable answer. */
  answers: number;
  /** 429 from the token bucket. */
  rateLimited: number;
  /** 429 injected by `throttleRate`. */
  throttled: number;
  serverErrors: number;
  unavailable: number;
  timeouts: number;
  truncated: number;
  malformed: number;
  refusals: number;
  empty: number;
  /** 400/401/404 for bad requests, missing keys, unknown models. */
  rejected: number;
  /** Billing/quota errors (`quotaRate`). */
  quota: number;
  /** Anthropic turns stopped with `pause_turn`. */
  pausedTurns: number;
  /** Anthropic answers whose every search failed inside the 200. */
  searchErrors: number;
  /** Answers cut off by the output cap (Gemini: often by thinking), incl. ones with no text at all. */
  cutOff: number;
  /** Grounding redirects answered (`/vertexaisearch/grounding-api-redirect/…`). */
  redirects: number;
}

export type SimulatorStats = Record<ProviderId, ProviderCounters>;

export const MAX_BODY_BYTES = 1024 * 1024;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const SAMPLE_HEADER = 'x-simulator-sample-index';

export function emptyCounters(): ProviderCounters {
  return {
    requests: 0,
    answers: 0,
    rateLimited: 0,
    throttled: 0,
    serverErrors: 0,
    unavailable: 0,
    timeouts: 0,
    truncated: 0,
    malformed: 0,
    refusals: 0,
    empty: 0,
    rejected: 0,
    quota: 0,
    pausedTurns: 0,
    searchErrors: 0,
    cutOff: 0,
    redirects: 0,
  };
}

export function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The API key the request carries, in the provider's header. */
export function apiKeyOf(provider: ProviderId, req: IncomingMessage, url: URL): string | null {
  if (provider === 'gemini')
    return (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key');
  const auth = req.headers.authorization;
  const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : null;
  // Anthropic takes `x-api-key`; its 1.x SDK sends the key as a bearer token.
  if (provider === 'anthropic') return (req.headers['x-api-key'] as string | undefined) ?? bearer;
  return bearer;
}

/** A request id in the provider's own format. */
export function requestIdOf(provider: ProviderId, rng: Rng): string {
  if (provider === 'openai') return `req_${token(rng, 32, '0123456789abcdef')}`;
  if (provider === 'anthropic') return `req_011C${token(rng, 20, ID_ALPHABET)}`;
  if (provider === 'gemini') return token(rng, 22, ID_ALPHABET);
  // Perplexity ids are UUIDs.
  const hex = token(rng, 32, '0123456789abcdef');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** The rate-limit headers each provider sends (Gemini sends none). */
export function rateLimitHeaders(
  provider: ProviderId,
  bucket: TokenBucket | undefined,
  resetMs: number,
  now: () => number,
): Record<string, string> {
  const limit = bucket ? Math.round(bucket.capacity) : 10_000;
  const remaining = bucket ? bucket.remaining() : 9_999;
  if (provider === 'anthropic') {
    const reset = new Date(now() + Math.max(resetMs, 0)).toISOString();
    return {
      'anthropic-ratelimit-requests-limit': String(limit),
      'anthropic-ratelimit-requests-remaining': String(remaining),
      'anthropic-ratelimit-requests-reset': reset,
      'anthropic-ratelimit-tokens-limit': '90000',
      'anthropic-ratelimit-tokens-remaining': remaining > 0 ? '89000' : '0',
      'anthropic-ratelimit-tokens-reset': reset,
      'anthropic-ratelimit-input-tokens-limit': '50000',
      'anthropic-ratelimit-input-tokens-remaining': remaining > 0 ? '49000' : '0',
      'anthropic-ratelimit-input-tokens-reset': reset,
      'anthropic-ratelimit-output-tokens-limit': '10000',
      'anthropic-ratelimit-output-tokens-remaining': remaining > 0 ? '9000' : '0',
      'anthropic-ratelimit-output-tokens-reset': reset,
    };
  }
  if (provider === 'gemini') return {};
  return {
    'x-ratelimit-limit-requests': String(limit),
    'x-ratelimit-remaining-requests': String(remaining),
    'x-ratelimit-reset-requests': `${Math.max(resetMs, 0)}ms`,
    'x-ratelimit-limit-tokens': '2000000',
    'x-ratelimit-remaining-tokens': '1999000',
    'x-ratelimit-reset-tokens': '0s',
  };
}

/** The request-id headers of each provider. */
export function idHeaders(provider: ProviderId, requestId: string): Record<string, string> {
  if (provider === 'openai') return { 'x-request-id': requestId, 'openai-version': '2020-10-01' };
  if (provider === 'anthropic') return { 'request-id': requestId };
  return {};
}
