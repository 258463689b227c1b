import { ConnectorError } from '#shared/ports/signal-connector.ts';
import { asCount, asRecord, asString, failureFor, type HttpResponse, headerOf, retryAfterMs } from './common.ts';

/**
 * What each platform's error answers mean, from their documented codes and headers, as the failure the workflow acts
 * on and a message a brand team can act on. Permanent problems (a private subreddit, a query X rejects, a Page the
 * token cannot read) are `config`/`credentials` — a person must act, nothing is retried; spent budgets wait for the
 * platform's own reset; a monthly usage cap is `quota` (the connector is paused with the reason).
 */

function jsonOf(response: HttpResponse): Record<string, unknown> | null {
  try {
    return asRecord(JSON.parse(response.body));
  } catch {
    return null;
  }
}

// --- Reddit ---------------------------------------------------------------------------------------------------------

/** Reddit's `X-Ratelimit-Reset` is seconds until the 10-minute window resets (not an epoch). */
export function redditResetMs(response: HttpResponse): number | undefined {
  const reset = Number(headerOf(response, 'x-ratelimit-reset'));
  return Number.isFinite(reset) && reset >= 0 ? Math.max(1000, Math.ceil(reset) * 1000) : undefined;
}

/**
 * Reddit answers a community it will not serve with 403 and a `reason` (`private`, `quarantined`, `gated`,
 * `gold_only`) or 404 `banned`; a bare 403 on the API (no reason) means the app itself is refused (not approved for
 * API access, or a blocked User-Agent). A redirect means the subreddit does not exist (Reddit sends it to search).
 */
export function redditFailure(response: HttpResponse, what: string): ConnectorError {
  const { status } = response;
  const body = jsonOf(response);
  const reason = asString(body?.reason);
  if (status === 403 && reason) {
    const why: Record<string, string> = {
      private: `${what} is private: Reddit shows it only to approved members, which an app account is not`,
      quarantined: `${what} is quarantined: Reddit serves it only to accounts that opted in on the website, which an app-only token cannot do`,
      gated: `${what} is behind a content warning that only a signed-in person can accept`,
      gold_only: `${what} is open to Reddit Premium members only`,
    };
    return new ConnectorError(
      'config',
      `${why[reason] ?? `Reddit refuses to serve ${what} (${reason})`}; choose another subreddit or search instead`,
    );
  }
  if (status === 403) {
    return new ConnectorError(
      'credentials',
      `Reddit refused the app for ${what} (HTTP 403 without a reason): check that the app is approved for API access and the User-Agent names the app and its Reddit account`,
    );
  }
  if (status === 404 && reason === 'banned') {
    return new ConnectorError('config', `${what} was banned by Reddit; choose another subreddit`);
  }
  if (status >= 300 && status < 400) {
    return new ConnectorError('config', `Reddit redirected the request for ${what}: the subreddit does not exist`);
  }
  if (status === 429) {
    const wait = redditResetMs(response) ?? retryAfterMs(response);
    return new ConnectorError('rate_limited', `Reddit rate limit reached for ${what} (HTTP 429)`, {
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    });
  }
  return failureFor('Reddit', response, what);
}

// --- X --------------------------------------------------------------------------------------------------------------

/** `x-rate-limit-reset` is an epoch in seconds. */
export function xResetMs(response: HttpResponse, now: number): number | undefined {
  const reset = Number(headerOf(response, 'x-rate-limit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(1000, reset * 1000 - now) : undefined;
}

/**
 * X API v2 problem details: a 400 lists `errors[].message` (the query X rejects and why — shown to the user, never
 * retried); a 429 of type `usage-capped` is the tier's monthly post cap (not a 15-minute window); a 403 of type
 * `client-forbidden` is an app outside a Project or a tier without this endpoint.
 */
export function xFailure(response: HttpResponse, what: string, now: number): ConnectorError {
  const { status } = response;
  const body = jsonOf(response);
  const type = asString(body?.type) ?? '';
  const detail = asString(body?.detail) ?? asString(body?.title) ?? `HTTP ${status}`;
  if (status === 400) {
    const messages = (Array.isArray(body?.errors) ? body.errors : [])
      .map((e) => asString(asRecord(e)?.message))
      .filter((m): m is string => Boolean(m));
    return new ConnectorError(
      'config',
      `X rejected ${what}: ${(messages.length ? messages.join('; ') : detail).slice(0, 400)}`,
    );
  }
  if (status === 429 && (type.endsWith('/usage-capped') || asString(body?.title) === 'UsageCapExceeded')) {
    const period = asString(body?.period) ?? 'Monthly';
    return new ConnectorError(
      'quota',
      `X says the ${period.toLowerCase()} usage cap of the API plan is used up (${detail}); nothing can be read until it resets`,
    );
  }
  if (status === 429) {
    const wait = xResetMs(response, now);
    return new ConnectorError('rate_limited', `X rate limit reached for ${what}`, {
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    });
  }
  if (status === 403 && type.endsWith('/client-forbidden')) {
    return new ConnectorError(
      'credentials',
      `X refused the app for ${what}: ${detail} (the app must belong to a Project on a plan that includes recent search)`,
    );
  }
  if (status === 401) {
    return new ConnectorError(
      'credentials',
      `X refused the bearer token for ${what}; check or renew the X credentials`,
    );
  }
  return failureFor('X', response, what);
}

// --- Meta Graph API -------------------------------------------------------------------------------------------------

/**
 * Graph errors carry a code in the body; the HTTP status alone is ambiguous (400 for an expired token). Codes from
 * Meta's error reference: 190 token invalid/expired (subcode 463 expired, 460 password changed, 467 logged out),
 * 102 session, 10 and 200–299 permissions, 100 (subcode 33) an object the token cannot read — a Page token reads only
 * its own Page —, 803 unknown alias; 4 app, 17 user, 32 Page, 613 call-rate and 80001 Pages business use case
 * throttles (each waits for the usage headers' `estimated_time_to_regain_access`, else an hour, the rolling window);
 * `is_transient` = retry later.
 */
export function graphFailure(response: HttpResponse, what: string): ConnectorError {
  const error = asRecord(jsonOf(response)?.error);
  if (!error) return failureFor('Meta', response, what);
  const code = asCount(error.code);
  const subcode = asCount(error.error_subcode);
  const message = asString(error.message) ?? `HTTP ${response.status}`;
  if (code === 190 || code === 102) {
    const why =
      subcode === 463
        ? 'the Page token has expired'
        : subcode === 460
          ? 'the token was invalidated by a password change'
          : subcode === 467
            ? 'the person who granted the token logged out or removed the app'
            : 'the token is invalid';
    return new ConnectorError(
      'credentials',
      `Meta refused the access token for ${what}: ${why} (${message}); reconnect the Page to issue a new Page token`,
    );
  }
  if (code === 10 || (code !== null && code >= 200 && code < 300)) {
    return new ConnectorError(
      'credentials',
      `Meta says the token lacks a permission for ${what} (${message}); the Page token needs pages_read_engagement and pages_read_user_content`,
    );
  }
  if (code === 100 && /appsecret_proof/i.test(message)) {
    return new ConnectorError(
      'credentials',
      `Meta refused the call for ${what}: ${message} — the app requires calls signed with its app secret; set the Meta app secret`,
    );
  }
  if (code === 100 && (subcode === 33 || /does not exist|missing permissions/i.test(message))) {
    return new ConnectorError(
      'config',
      `Meta will not let this token read ${what} (${message}): a Page token reads only its own Page — connect the Page whose posts you want, or check the Page id`,
    );
  }
  if (code === 803 || code === 100) return new ConnectorError('config', `Meta cannot read ${what}: ${message}`);
  if (code === 4 || code === 17 || code === 32 || code === 613 || code === 80001 || response.status === 429) {
    const kind =
      code === 80001
        ? 'the Page’s business use case limit'
        : code === 32
          ? 'the Page’s call limit'
          : code === 17
            ? 'the user’s call limit'
            : code === 4
              ? 'the app’s call limit'
              : 'a call-rate limit';
    return new ConnectorError('rate_limited', `Meta throttled ${what} (code ${code}: ${kind}): ${message}`, {
      retryAfterMs: metaUsageWait(response) ?? 60 * 60_000,
    });
  }
  if (error.is_transient === true || code === 1 || code === 2) {
    return new ConnectorError('unavailable', `Meta had a temporary problem reading ${what}: ${message}`);
  }
  return new ConnectorError('unavailable', `Meta answered HTTP ${response.status} for ${what}: ${message}`);
}

/**
 * Wait suggested by Graph's usage headers when a budget is (nearly) spent: `X-Business-Use-Case-Usage` and
 * `X-Page-Usage` give `estimated_time_to_regain_access` in minutes; `X-App-Usage` percentages at 95+ wait 10 minutes.
 */
export function metaUsageWait(response: HttpResponse): number | undefined {
  let wait: number | undefined;
  for (const header of ['x-app-usage', 'x-page-usage', 'x-ad-account-usage']) {
    const usage = parseHeaderJson(headerOf(response, header));
    if (!usage) continue;
    if (Math.max(...['call_count', 'total_time', 'total_cputime'].map((k) => Number(usage[k]) || 0)) >= 95) {
      wait = Math.max(wait ?? 0, 10 * 60_000);
    }
    const minutes = Number(usage.estimated_time_to_regain_access);
    if (Number.isFinite(minutes) && minutes > 0) wait = Math.max(wait ?? 0, minutes * 60_000);
  }
  const business = parseHeaderJson(headerOf(response, 'x-business-use-case-usage'));
  for (const entries of Object.values(business ?? {})) {
    for (const entry of Array.isArray(entries) ? entries : []) {
      const record = asRecord(entry);
      const minutes = Number(record?.estimated_time_to_regain_access);
      if (Number.isFinite(minutes) && minutes > 0) wait = Math.max(wait ?? 0, minutes * 60_000);
      const busiest = Math.max(...['call_count', 'total_time', 'total_cputime'].map((k) => Number(record?.[k]) || 0));
      if (busiest >= 95) wait = Math.max(wait ?? 0, 10 * 60_000);
    }
  }
  return wait;
}

function parseHeaderJson(value: string | undefined): Record<string, unknown> | null {
  if (!value) return null;
  try {
    return asRecord(JSON.parse(value));
  } catch {
    return null;
  }
}
