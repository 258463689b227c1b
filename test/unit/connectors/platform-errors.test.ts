import { describe, expect, it } from 'vitest';
import { graphFailure, redditFailure, xFailure } from '../../../functions/adapters/connectors/platform-errors.ts';

/**
 * Error answers in the shapes the platforms document (Reddit's `{reason, message, error}`, X's RFC 7807 problem
 * details with `errors[]`, Graph's `{error: {code, error_subcode, message}}` with its usage headers), mapped to what
 * the workflow does: needs a person (config/credentials, never retried), waits for the platform's reset, or pauses.
 */

const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('Reddit', () => {
  it('tells a private or quarantined subreddit from refused credentials', () => {
    const priv = redditFailure(res(403, { reason: 'private', message: 'Forbidden', error: 403 }), 'r/secret');
    expect(priv.kind).toBe('config');
    expect(priv.message).toMatch(/r\/secret is private/);
    expect(priv.message).not.toMatch(/credentials/);
    const quarantined = redditFailure(
      res(403, { reason: 'quarantined', quarantine_message: '…', message: 'Forbidden', error: 403 }),
      'r/edgy',
    );
    expect(quarantined.kind).toBe('config');
    expect(quarantined.message).toMatch(/quarantined/);
    const bare = redditFailure(res(403, { message: 'Forbidden', error: 403 }), 'r/analytics');
    expect(bare.kind).toBe('credentials');
    expect(bare.message).toMatch(/approved for API access/);
    expect(redditFailure(res(404, { reason: 'banned', message: 'Not Found', error: 404 }), 'r/x').message).toMatch(
      /banned/,
    );
  });

  it('waits for X-Ratelimit-Reset (seconds) on a 429, not a flat minute', () => {
    const failure = redditFailure(
      res(
        429,
        { message: 'Too Many Requests', error: 429 },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '437' },
      ),
      'r/analytics',
    );
    expect(failure.kind).toBe('rate_limited');
    expect(failure.retryAfterMs).toBe(437_000);
  });
});

describe('X', () => {
  it('shows the message of a query X rejects and does not retry it', () => {
    const failure = xFailure(
      res(400, {
        errors: [
          {
            parameters: { query: ['(acme'] },
            message: 'There were errors processing your request: Unbalanced parentheses (at position 1)',
          },
        ],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      }),
      'search "(acme"',
      0,
    );
    expect(failure.kind).toBe('config');
    expect(failure.message).toMatch(/Unbalanced parentheses \(at position 1\)/);
  });

  it('pauses on the monthly usage cap instead of waiting for the 15-minute window', () => {
    const failure = xFailure(
      res(
        429,
        {
          account_id: '1',
          product_name: 'standard-basic',
          title: 'UsageCapExceeded',
          period: 'Monthly',
          scope: 'Product',
          detail: 'Usage cap exceeded: Monthly product cap',
          type: 'https://api.twitter.com/2/problems/usage-capped',
        },
        { 'x-rate-limit-limit': '60', 'x-rate-limit-remaining': '59', 'x-rate-limit-reset': '1700000900' },
      ),
      'search "acme"',
      1_700_000_000_000,
    );
    expect(failure.kind).toBe('quota');
    expect(failure.message).toMatch(/monthly usage cap/);
    const window = xFailure(
      res(
        429,
        { title: 'Too Many Requests', type: 'about:blank', status: 429 },
        { 'x-rate-limit-reset': '1700000900' },
      ),
      'search',
      1_700_000_000_000,
    );
    expect(window.kind).toBe('rate_limited');
    expect(window.retryAfterMs).toBe(900_000);
  });

  it('names a tier without access to the endpoint', () => {
    const failure = xFailure(
      res(403, {
        client_id: '1',
        detail:
          'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.',
        registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
        title: 'Client Forbidden',
        required_enrollment: 'Appropriate Level of API Access',
        reason: 'client-not-enrolled',
        type: 'https://api.twitter.com/2/problems/client-forbidden',
      }),
      'search',
      0,
    );
    expect(failure.kind).toBe('credentials');
    expect(failure.message).toMatch(/Project/);
  });
});

describe('Meta Graph API', () => {
  const graph = (code: number, message: string, extra: Record<string, unknown> = {}) => ({
    error: { message, type: 'OAuthException', code, fbtrace_id: 'A1', ...extra },
  });

  it('tells an expired Page token from a Page the token cannot read', () => {
    const expired = graphFailure(
      res(
        400,
        graph(190, 'Error validating access token: Session has expired on Friday, 04-Dec-26.', { error_subcode: 463 }),
      ),
      'Page 123',
    );
    expect(expired.kind).toBe('credentials');
    expect(expired.message).toMatch(/Page token has expired/);
    const wrongPage = graphFailure(
      res(
        400,
        graph(
          100,
          "Unsupported get request. Object with ID '999' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
          { type: 'GraphMethodException', error_subcode: 33 },
        ),
      ),
      'Page 999',
    );
    expect(wrongPage.kind).toBe('config');
    expect(wrongPage.message).toMatch(/a Page token reads only its own Page/);
  });

  it('waits for the business use case header on the Page throttle 80001', () => {
    const failure = graphFailure(
      res(400, graph(80001, 'There have been too many calls to this Page account. Wait a bit and try again.'), {
        'x-business-use-case-usage': JSON.stringify({
          '104857600000001': [
            { type: 'pages', call_count: 100, total_cputime: 12, total_time: 30, estimated_time_to_regain_access: 17 },
          ],
        }),
      }),
      'Page 104857600000001',
    );
    expect(failure.kind).toBe('rate_limited');
    expect(failure.retryAfterMs).toBe(17 * 60_000);
    for (const code of [4, 17, 32, 613]) {
      const throttled = graphFailure(res(400, graph(code, 'limit')), 'Page 1');
      expect(throttled.kind).toBe('rate_limited');
      expect(throttled.retryAfterMs).toBe(60 * 60_000);
    }
  });

  it('treats transient errors as an outage and unknown shapes by their HTTP status', () => {
    expect(graphFailure(res(500, graph(2, 'Service temporarily unavailable', { is_transient: true })), 'P').kind).toBe(
      'unavailable',
    );
    expect(graphFailure(res(502, '<html>Bad gateway</html>'), 'P').kind).toBe('unavailable');
  });
});
