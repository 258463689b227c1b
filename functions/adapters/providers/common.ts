import { estimateCost, type PriceTable } from '#shared/domain/pricing.ts';
import {
  isProviderError,
  ProviderAbortedError,
  ProviderAuthError,
  ProviderBadResponseError,
  type ProviderError,
  type ProviderErrorOptions,
  ProviderInvalidRequestError,
  ProviderQuotaError,
  ProviderThrottledError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '#shared/domain/provider-errors.ts';
import type { AnswerCitation, AnswerCost, AnswerUsage, AskRequest, ProviderId } from '#shared/ports/ai-provider.ts';

/** Options every adapter takes besides its SDK client. */
export interface AdapterOptions {
  /**
   * Deadline of one plain (`api`) call, covering connect, headers and body. The SDK's own timeout is set to the same
   * value, but the SDKs only bound the wait for headers, so the adapter enforces the whole deadline itself.
   * @default 60000
   */
  timeoutMs?: number;
  /**
   * Deadline of one web-search call: the provider searches (several times), reads pages and then writes, so these
   * take several times longer than plain answers (tens of seconds at p95).
   * @default 2.5 × `timeoutMs` when that is set, else 150000
   */
  webSearchTimeoutMs?: number;
  /** Monotonic clock in ms, for latency. @default performance.now */
  now?: () => number;
  /** Price table for cost estimates. @default CURRENT_PRICE_TABLE */
  priceTable?: PriceTable;
  /**
   * Send the sample index as `x-simulator-sample-index`, so the local simulator can seed its answer by sample.
   * Only the registry turns this on, and only for the simulator: real providers never see internal headers.
   * @default false
   */
  simulatorHints?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_WEB_SEARCH_TIMEOUT_MS = 150_000;
/** Room for long ranked lists (a 15-item "best tools" answer with reasons runs 1,200-2,000 tokens). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;
export const SIMULATOR_SAMPLE_HEADER = 'x-simulator-sample-index';

/** Minimal header reader (fetch `Headers`, or a captured copy). */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * Milliseconds the provider asked us to wait, from `retry-after-ms` (OpenAI), `retry-after` (seconds or HTTP date).
 * Null when absent or unparsable; capped at one hour so a silly header cannot park a workflow for days.
 */
export function retryAfterMsFromHeaders(headers: HeaderReader | null | undefined, nowMs = Date.now()): number | null {
  if (!headers) return null;
  const cap = (ms: number) => Math.min(Math.max(0, Math.round(ms)), 3_600_000);
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return cap(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return cap(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : cap(date - nowMs);
}

/** Region of a BCP 47 locale as an ISO 3166-1 alpha-2 country (`en-US` → `US`), else undefined. */
export function localeCountry(locale: string): string | undefined {
  const parts = locale.replace(/_/g, '-').split('-');
  for (const part of parts.slice(1)) if (/^[A-Za-z]{2}$/.test(part)) return part.toUpperCase();
  return undefined;
}

/** Drops empty/non-http URLs and repeats, keeping the first title seen. */
export function dedupeCitations(citations: Iterable<{ url?: string | null; title?: string | null }>): AnswerCitation[] {
  const seen = new Map<string, AnswerCitation>();
  for (const citation of citations) {
    const url = citation.url?.trim();
    if (!url || !/^https?:\/\//i.test(url)) continue;
    const existing = seen.get(url);
    if (existing) {
      if (!existing.title && citation.title) existing.title = citation.title;
      continue;
    }
    seen.set(url, citation.title ? { url, title: citation.title } : { url });
  }
  return [...seen.values()];
}

/** Non-negative integer from an untrusted usage field. */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

export function costOf(
  provider: ProviderId,
  model: string,
  modelVersion: string | null,
  usage: AnswerUsage,
  priceTable: PriceTable | undefined,
): AnswerCost {
  const estimate = estimateCost(
    {
      provider,
      model,
      modelVersion,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cachedInputTokens: usage.cachedInputTokens ?? 0,
      webSearchRequests: usage.webSearchRequests ?? 0,
    },
    priceTable,
  );
  return { usd: estimate.usd, priceTableVersion: estimate.priceTableVersion };
}

/**
 * One call's deadline and cancellation: `signal` aborts when the caller aborts or the deadline passes, and
 * `reason()` tells which happened, so a timeout and a cancellation map to different errors.
 */
export function callScope(timeoutMs: number, callerSignal: AbortSignal | undefined) {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error('deadline')), timeoutMs);
  timer.unref?.();
  const signal = callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
  return {
    signal,
    reason(): 'aborted' | 'timeout' | null {
      if (callerSignal?.aborted) return 'aborted';
      if (deadline.signal.aborted) return 'timeout';
      return null;
    },
    dispose: () => clearTimeout(timer),
  };
}

/** Maps an HTTP status from a provider to the typed error. */
export function errorForStatus(
  status: number,
  message: string,
  options: ProviderErrorOptions & { headers?: HeaderReader | null; retryAfterMs?: number | null },
): ProviderError {
  const { headers, retryAfterMs, ...rest } = options;
  const text = `${options.provider}: ${message}`;
  if (options.providerCode && QUOTA_CODES.has(options.providerCode)) {
    return new ProviderQuotaError(`${text}: the account's billing quota is exhausted`, rest);
  }
  if (status === 429) {
    return new ProviderThrottledError(text, {
      ...rest,
      retryAfterMs: retryAfterMs ?? retryAfterMsFromHeaders(headers),
    });
  }
  if (status === 401 || status === 403) return new ProviderAuthError(text, rest);
  if (status === 408) return new ProviderTimeoutError(text, rest);
  if (status >= 500) return new ProviderUnavailableError(text, rest);
  if (status === 402) return new ProviderQuotaError(`${text}: payment required`, rest); // billing/credit exhausted
  if (status >= 400) return new ProviderInvalidRequestError(text, rest);
  return new ProviderBadResponseError(text, rest);
}

/**
 * Provider error codes meaning "billing/quota exhausted", not "slow down": OpenAI (and OpenAI-compatible APIs such
 * as Perplexity) answer `429 insufficient_quota` when the account's credit is gone; retrying bills nothing and
 * fails until someone pays.
 */
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);

/** Finish reasons meaning the output cap cut the answer off (normalised to lower case). */
const TRUNCATION_REASONS = new Set(['length', 'max_tokens', 'max_output_tokens', 'model_context_window_exceeded']);
export const isTruncation = (finishReason: string | null | undefined) =>
  !!finishReason && TRUNCATION_REASONS.has(finishReason.toLowerCase());

/** Sources retrieved but not cited: every retrieved URL not among the citations, deduplicated. */
export function uncitedSources(
  retrieved: Iterable<{ url?: string | null; title?: string | null }>,
  cited: readonly AnswerCitation[],
): AnswerCitation[] {
  const citedUrls = new Set(cited.map((c) => c.url));
  return dedupeCitations(retrieved).filter((source) => !citedUrls.has(source.url));
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Maps what is left after the SDK-specific mapping: our own deadline/cancel, body parse failures (malformed or
 * truncated JSON), dropped connections. `phase` says whether response headers had arrived: a connection dropped
 * mid-body is a truncated response, one dropped before any response is the provider being unavailable.
 */
export function mapGenericError(
  provider: ProviderId,
  error: unknown,
  scope: { reason(): 'aborted' | 'timeout' | null },
  phase: 'request' | 'body' = 'request',
): ProviderError {
  if (isProviderError(error)) return error;
  const reason = scope.reason();
  if (reason === 'aborted')
    return new ProviderAbortedError(`${provider}: call aborted by the caller`, { provider, cause: error });
  if (reason === 'timeout')
    return new ProviderTimeoutError(`${provider}: no complete answer within the deadline`, { provider, cause: error });
  if (error instanceof SyntaxError) {
    return new ProviderBadResponseError(`${provider}: response body is not valid JSON`, { provider, cause: error });
  }
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (phase === 'body' || message === 'terminated') {
    return new ProviderBadResponseError(`${provider}: response body was cut off (${code ?? message})`, {
      provider,
      cause: error,
    });
  }
  if (code) return new ProviderUnavailableError(`${provider}: connection failed (${code})`, { provider, cause: error });
  return new ProviderBadResponseError(`${provider}: unexpected failure reading the response`, {
    provider,
    cause: error,
  });
}

/** Throws ProviderBadResponseError unless `value` is a plain object. */
export function expectObject(provider: ProviderId, value: unknown, what: string, requestId: string | null) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProviderBadResponseError(`${provider}: ${what} is not a JSON object`, {
      provider,
      providerRequestId: requestId,
    });
  }
  return value as Record<string, unknown>;
}

export function emptyAnswer(provider: ProviderId, requestId: string | null, detail: string) {
  return new ProviderBadResponseError(`${provider}: empty answer (${detail})`, {
    provider,
    providerRequestId: requestId,
  });
}

/** Loose readers for provider JSON: a field of the wrong type reads as empty instead of throwing. */
export type Json = Record<string, unknown>;
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
export const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The deadline of one call on a surface (web search gets longer: it searches and reads before writing). */
export function timeoutOf(options: Pick<AdapterOptions, 'timeoutMs' | 'webSearchTimeoutMs'>, surface: string): number {
  return surface === 'api_web_search'
    ? (options.webSearchTimeoutMs ??
        (options.timeoutMs !== undefined ? Math.round(options.timeoutMs * 2.5) : DEFAULT_WEB_SEARCH_TIMEOUT_MS))
    : (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/**
 * The set-up every adapter call starts with: the clock, our deadline (which also covers reading the body), the
 * SDK's own timeout one second later as a backstop, and the simulator's sample header when it is the target.
 */
export function beginCall(
  options: Pick<AdapterOptions, 'now' | 'timeoutMs' | 'webSearchTimeoutMs' | 'simulatorHints'>,
  request: Pick<AskRequest, 'sampleIndex' | 'surface'>,
  signal: AbortSignal | undefined,
  headers: Record<string, string> = {},
) {
  const timeoutMs = timeoutOf(options, request.surface);
  if (options.simulatorHints) headers[SIMULATOR_SAMPLE_HEADER] = String(request.sampleIndex ?? 0);
  return {
    now: options.now ?? (() => performance.now()),
    scope: callScope(timeoutMs, signal),
    sdkTimeoutMs: timeoutMs + 1000,
    headers,
  };
}
