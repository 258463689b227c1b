import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  newWebhookSecretValue,
  signWebhook,
  verifyWebhookSignature,
} from '../../../functions/adapters/connectors/webhook-signature.ts';
import { WEBHOOK_SCHEMES, type WebhookScheme } from '../../../shared/contracts/connectors.ts';

/**
 * Each signing convention checked against a sender written from that convention's own documentation (not from the
 * verifier): what is signed, with which key, how the signature is encoded and which headers carry it. Standard
 * Webhooks is also signed and verified by its reference library (`standardwebhooks`, the Standard Webhooks
 * project's JavaScript implementation).
 */

type Headers = Record<string, string>;
type Sender = (secret: string, body: string, nowSeconds: number) => Headers;

const hmac = (key: string | Buffer, message: string) => createHmac('sha256', key).update(message, 'utf8');

/**
 * Reference senders. Sources:
 * - Standard Webhooks spec (standard-webhooks.md, "Signature scheme"): sign `msg_id.timestamp.payload` with
 *   HMAC-SHA256, the key being the base64-decoded part of the secret after `whsec_`; `webhook-signature` is a
 *   space-delimited list of `v1,<base64 signature>`; `webhook-timestamp` in seconds.
 * - Stripe ("Verify the events manually"): `Stripe-Signature: t=<timestamp>,v1=<signature>`, the signature being the
 *   hex HMAC-SHA256 of `<timestamp>.<payload>` with the endpoint's signing secret.
 * - GitHub ("Validating webhook deliveries") and Meta ("Webhooks: validate payloads"): `X-Hub-Signature-256:
 *   sha256=<hex HMAC-SHA256 of the payload with the secret>`.
 * - Slack ("Verifying requests from Slack"): `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing
 *   secret, in `X-Slack-Signature`, the timestamp in `X-Slack-Request-Timestamp`.
 * - Shopify ("Verify webhooks"): `X-Shopify-Hmac-SHA256` = base64 HMAC-SHA256 of the raw body with the app's secret.
 * - PromptPulse (docs/connectors.md): `X-PromptPulse-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
 */
const senders: Record<WebhookScheme, Sender> = {
  standard: (secret, body, now) => {
    const id = 'msg_2Lj0ybkKr2kGVHR0wM2T8XQq5rU';
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    return {
      'webhook-id': id,
      'webhook-timestamp': String(now),
      'webhook-signature': `v1,${hmac(key, `${id}.${now}.${body}`).digest('base64')}`,
    };
  },
  stripe: (secret, body, now) => ({
    'stripe-signature': `t=${now},v1=${hmac(secret, `${now}.${body}`).digest('hex')}`,
  }),
  hub: (secret, body) => ({ 'x-hub-signature-256': `sha256=${hmac(secret, body).digest('hex')}` }),
  slack: (secret, body, now) => ({
    'x-slack-request-timestamp': String(now),
    'x-slack-signature': `v0=${hmac(secret, `v0:${now}:${body}`).digest('hex')}`,
  }),
  shopify: (secret, body) => ({ 'x-shopify-hmac-sha256': hmac(secret, body).digest('base64') }),
  promptpulse: (secret, body, now) => signWebhook(secret, body, now),
};
const TIMESTAMPED: WebhookScheme[] = ['standard', 'stripe', 'slack', 'promptpulse'];

const NOW = 1_796_000_000;
const BODY = '{"items":[{"id":"t-1","text":"Acme Analytics saved our launch","publishedAt":"2026-12-01T10:00:00Z"}]}';
const secret = newWebhookSecretValue();
const rotatedIn = newWebhookSecretValue();

function check(
  scheme: WebhookScheme | null,
  headers: Headers,
  body = BODY,
  secrets = [secret, rotatedIn],
  nowSeconds = NOW,
) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return verifyWebhookSignature({
    secrets: secrets.map((value, i) => ({ id: `whs_${i}`, value, createdAt: '2026-12-01T00:00:00Z' })),
    scheme,
    header: (name) => lower[name],
    body,
    nowSeconds,
    toleranceSeconds: 300,
  });
}

describe('webhook signing conventions', () => {
  it.each(WEBHOOK_SCHEMES)(
    '%s: a request signed as its documentation says is accepted, by either valid secret',
    (scheme) => {
      const send = senders[scheme];
      expect(check(scheme, send(secret, BODY, NOW))).toBe('valid');
      expect(check(scheme, send(rotatedIn, BODY, NOW))).toBe('valid');
    },
  );

  it.each(WEBHOOK_SCHEMES)('%s: another body, another secret or another convention is refused', (scheme) => {
    const headers = senders[scheme](secret, BODY, NOW);
    expect(check(scheme, headers, `${BODY} `)).toBe('invalid');
    expect(check(scheme, senders[scheme](newWebhookSecretValue(), BODY, NOW))).toBe('invalid');
    for (const other of WEBHOOK_SCHEMES.filter((s) => s !== scheme)) expect(check(other, headers)).toBe('invalid');
    // No connector (no secrets, any convention) answers as a wrong secret does: nothing tells whether it exists.
    expect(check(null, headers, BODY, [])).toBe('invalid');
  });

  it.each(TIMESTAMPED)('%s: a timestamp outside the window is stale, whatever the secret', (scheme) => {
    expect(check(scheme, senders[scheme](secret, BODY, NOW - 301))).toBe('stale');
    expect(check(scheme, senders[scheme](secret, BODY, NOW + 301))).toBe('stale');
    expect(check(scheme, senders[scheme](secret, BODY, NOW - 299))).toBe('valid');
    expect(check(null, senders[scheme]('other', BODY, NOW - 3600), BODY, [])).toBe('stale');
  });

  it('hub and shopify sign no timestamp: a resend is accepted (the items’ ids absorb it)', () => {
    expect(check('hub', senders.hub(secret, BODY, 0), BODY, [secret], NOW + 86_400)).toBe('valid');
    expect(check('shopify', senders.shopify(secret, BODY, 0), BODY, [secret], NOW + 86_400)).toBe('valid');
  });

  it('several signatures in one header: any one matching counts (Standard Webhooks list, Stripe v1 entries)', () => {
    const standard = senders.standard(secret, BODY, NOW);
    const wrong = `v1,${Buffer.alloc(32, 7).toString('base64')}`;
    standard['webhook-signature'] = `v1a,ignored ${wrong} ${standard['webhook-signature']}`;
    expect(check('standard', standard)).toBe('valid');
    const stripe = senders.stripe(secret, BODY, NOW);
    stripe['stripe-signature'] =
      stripe['stripe-signature']?.replace(',v1=', `,v0=${'0'.repeat(64)},v1=${'1'.repeat(64)},v1=`) ?? '';
    expect(check('stripe', stripe)).toBe('valid');
  });

  it('headers that cannot be read are malformed; no known headers at all too', () => {
    const malformed: Headers[] = [
      {},
      { 'webhook-signature': 'v1,abc', 'webhook-id': 'm', 'webhook-timestamp': String(NOW) },
      { 'webhook-signature': senders.standard(secret, BODY, NOW)['webhook-signature'] ?? '' },
      { 'stripe-signature': `v1=${'a'.repeat(64)}` },
      { 'stripe-signature': `t=soon,v1=${'a'.repeat(64)}` },
      { 'x-hub-signature-256': 'a'.repeat(64) },
      { 'x-hub-signature-256': 'sha1=abc' },
      { 'x-slack-signature': `v0=${'a'.repeat(64)}` },
      { 'x-shopify-hmac-sha256': 'not base64!' },
      { 'x-promptpulse-timestamp': String(NOW), 'x-promptpulse-signature': 'v1=zz' },
    ];
    for (const headers of malformed) expect(check('standard', headers), JSON.stringify(headers)).toBe('malformed');
  });

  it('Standard Webhooks’ reference library signs and verifies with a PromptPulse secret', () => {
    const library = new Webhook(secret);
    const id = 'msg_library';
    const signature = library.sign(id, new Date(NOW * 1000), BODY);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(NOW), 'webhook-signature': signature };
    expect(check('standard', headers)).toBe('valid');
    // And the library accepts what the reference sender (from the spec) produces with the same secret.
    const fromSpec = senders.standard(secret, BODY, Math.floor(Date.now() / 1000));
    expect(() => library.verify(BODY, fromSpec)).not.toThrow();
  });

  it('a new secret is whsec_ and standard base64 of 32 random bytes (the Standard Webhooks form)', () => {
    for (let i = 0; i < 20; i++) {
      const value = newWebhookSecretValue();
      expect(value).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(value.slice(6), 'base64')).toHaveLength(32);
    }
  });
});
