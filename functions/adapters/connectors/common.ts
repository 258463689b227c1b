import { decodeHTML } from 'entities';
import type { SkipCounts, SkipReason } from '#shared/contracts/connectors.ts';
import { ConnectorError, type ConnectorHttp, countSkip } from '#shared/ports/signal-connector.ts';

export type HttpResponse = Awaited<ReturnType<ConnectorHttp['request']>>;

/** One header as a string (first value of a repeated header). */
export function headerOf(response: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(response: Pick<HttpResponse, 'headers'>, now = Date.now()): number | undefined {
  const raw = headerOf(response, 'retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * Turns a non-2xx answer into the failure the workflow acts on. 401/403 = credentials (a person must fix them; no
 * retries), 404/410 = configuration (the subreddit, page or feed does not exist), 429 = rate limited (wait for
 * `Retry-After`), 5xx and anything else = unavailable (back off).
 */
export function failureFor(source: string, response: HttpResponse, what: string): ConnectorError {
  const { status } = response;
  if (status === 401 || status === 403) {
    return new ConnectorError(
      'credentials',
      `${source} refused the credentials for ${what} (HTTP ${status}); check or renew the ${source} credentials`,
    );
  }
  if (status === 404 || status === 410) {
    return new ConnectorError(
      'config',
      `${source} says ${what} does not exist (HTTP ${status}); check the configuration`,
    );
  }
  if (status === 429) {
    const wait = retryAfterMs(response);
    return new ConnectorError('rate_limited', `${source} rate limit reached for ${what} (HTTP 429)`, {
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    });
  }
  return new ConnectorError('unavailable', `${source} answered HTTP ${status} for ${what}`);
}

/** Network failure or refused URL → the matching connector failure. */
export function requestFailure(source: string, error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const err = error as Error & { reason?: string };
  if (err.name === 'OutboundUrlRefusedError') {
    // A refused address or scheme will be refused again: the configuration must change.
    const transient = err.reason === 'timeout' || err.reason === 'network_error' || err.reason === 'dns_failed';
    return new ConnectorError(transient ? 'unavailable' : 'config', `${source}: ${what} ${err.message}`, {
      cause: error,
    });
  }
  return new ConnectorError('unavailable', `${source}: ${what} could not be fetched (${err.message})`, {
    cause: error,
  });
}

export function parseJsonBody(source: string, body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch (cause) {
    throw new ConnectorError('unavailable', `${source} returned a response that is not JSON for ${what}`, { cause });
  }
}

const SKIPPED_ELEMENTS = /<(script|style|template|svg|math|head|object)\b[\s\S]*?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]*?-->/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)\]\]>/g;
const DECLARATION = /<[!?][^>]*>/g;
// A tag starts with a letter ("a < b" is text) and may hold `>` inside quoted attribute values.
const TAG = /<\/?[a-zA-Z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>/g;
const BLOCK_TAG =
  /<\/?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|table|tr|td|th|caption|section|article|header|footer|aside|nav|main|figure|figcaption|details|summary)\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;

/**
 * HTML (feed descriptions and content, Atom xhtml, Reddit `selftext_html`) → plain text: scripts, styles and comments
 * out, CDATA kept as text, block elements become line breaks, other tags out, entities decoded (`entities`),
 * whitespace tidied. A tag stripper rather than an HTML-to-text library on purpose: the text only feeds the
 * analysis (no layout to keep), it runs on every post of every page (throughput), and it adds nothing to the
 * function bundles, which sit close to their 1 MB budget.
 */
export function htmlToText(html: string): string {
  const withBreaks = html
    .replace(CDATA, (_, inner: string) => inner.replace(/&/g, '&amp;').replace(/</g, '&lt;'))
    .replace(COMMENT, ' ')
    .replace(SKIPPED_ELEMENTS, ' ')
    .replace(DECLARATION, ' ')
    .replace(BLOCK_TAG, '\n');
  return tidy(decodeHTML(withBreaks.replace(TAG, ' ')));
}

/** Text that may carry HTML entities (X and Reddit escape `&`, `<`, `>`): entities decoded, whitespace tidied. */
export function decodeText(text: string): string {
  return tidy(decodeHTML(text));
}

/** Whitespace tidied: one space between words, at most one blank line, no padding. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Longest text we analyse and publish per item (a Kinesis record stays far below 1 MiB). */
export const MAX_ITEM_TEXT = 20_000;

/** ISO-8601 UTC from a date string or epoch seconds; null when unreadable. */
export function toIso(value: unknown): string | null {
  let ms: number;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string' && value.trim()) {
    // Graph API writes offsets without a colon (+0000), which not every parser accepts.
    ms = Date.parse(value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  } else return null;
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year < 1990 || year > 2200 ? null : date.toISOString();
}

export const asRecord = (value: unknown): Record<string, unknown> | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
export const asString = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
export const asCount = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : null;

/** Skips an item with a reason: records it and returns null (for `.flatMap`/filter pipelines). */
export function skip(skipped: SkipCounts, reason: SkipReason): null {
  countSkip(skipped, reason);
  return null;
}

/** Caps text and makes sure an item has something to analyse. */
export function finishText(text: string): string {
  return text.length > MAX_ITEM_TEXT ? text.slice(0, MAX_ITEM_TEXT) : text;
}
