import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { WebhookScheme } from '#shared/contracts/connectors.ts';
import type { SignatureCheck, WebhookDeps } from '#shared/use-cases/connectors.ts';

export const TIMESTAMP_HEADER = 'x-promptpulse-timestamp';
export const SIGNATURE_HEADER = 'x-promptpulse-signature';

/** HMAC-SHA256 of `<timestamp>.<body>` with the secret, hex: what a sender puts after `v1=`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** Headers a sender adds to a webhook request (used by tests, the docs and the demo). */
export function signWebhook(secret: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)) {
  const timestamp = String(nowSeconds);
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `v1=${webhookSignature(secret, timestamp, body)}` };
}

/** A request's signature as a convention carries it: what was signed, how, and the candidates to compare. */
interface Signed {
  scheme: WebhookScheme;
  /** Unix seconds, for the conventions that sign a timestamp (the replay window applies). */
  timestamp: string | null;
  message: string;
  key: (secret: string) => Buffer;
  encoding: 'hex' | 'base64';
  candidates: string[];
}

const utf8Key = (secret: string) => Buffer.from(secret, 'utf8');
/** Standard Webhooks: the key is the base64 after `whsec_` (Node's decoder also reads the older base64url secrets). */
const standardKey = (secret: string) => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
const SECONDS = /^\d{1,12}$/;
const HEX64 = /^[0-9a-f]{64}$/i;
const BASE64_256 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * The conventions a sender may speak, recognised by their headers (checked in this order):
 * - `standard` — Standard Webhooks (Svix and others): `webhook-id`, `webhook-timestamp`, `webhook-signature:
 *   v1,<base64>` (space-separated list) over `<id>.<timestamp>.<body>`, key = base64 decode of the `whsec_` secret;
 * - `stripe` — `Stripe-Signature: t=<ts>,v1=<hex>[,v1=…]` over `<ts>.<body>`, key = the whole secret string;
 * - `slack` — `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex>` over `v0:<ts>:<body>`;
 * - `hub` — GitHub and Meta: `X-Hub-Signature-256: sha256=<hex>` over the body alone (no timestamp);
 * - `shopify` — `X-Shopify-Hmac-Sha256: <base64>` over the body alone (no timestamp);
 * - `promptpulse` — `X-PromptPulse-Timestamp` and `X-PromptPulse-Signature: v1=<hex>` over `<ts>.<body>`.
 * Null when no convention's headers are there; `malformed` when they are but cannot be read.
 */
function readSignature(header: (name: string) => string | undefined, body: string): Signed | 'malformed' | null {
  const standardSig = header('webhook-signature');
  if (standardSig !== undefined) {
    const id = header('webhook-id')?.trim();
    const ts = header('webhook-timestamp')?.trim();
    const candidates = standardSig
      .trim()
      .split(/\s+/)
      .filter((p) => p.startsWith('v1,'))
      .map((p) => p.slice(3))
      .filter((b) => BASE64_256.test(b));
    if (!id || !ts || !SECONDS.test(ts) || candidates.length === 0) return 'malformed';
    return {
      scheme: 'standard',
      timestamp: ts,
      message: `${id}.${ts}.${body}`,
      key: standardKey,
      encoding: 'base64',
      candidates,
    };
  }
  const stripe = header('stripe-signature');
  if (stripe !== undefined) {
    const parts = stripe.split(',').map((p) => p.trim());
    const ts = parts.find((p) => p.startsWith('t='))?.slice(2);
    const candidates = parts.filter((p) => p.startsWith('v1=')).map((p) => p.slice(3));
    if (!ts || !SECONDS.test(ts) || !candidates.some((c) => HEX64.test(c))) return 'malformed';
    return { scheme: 'stripe', timestamp: ts, message: `${ts}.${body}`, key: utf8Key, encoding: 'hex', candidates };
  }
  const slack = header('x-slack-signature');
  if (slack !== undefined) {
    const ts = header('x-slack-request-timestamp')?.trim();
    const hex = slack.trim().replace(/^v0=/, '');
    if (!ts || !SECONDS.test(ts) || !slack.trim().startsWith('v0=') || !HEX64.test(hex)) return 'malformed';
    return {
      scheme: 'slack',
      timestamp: ts,
      message: `v0:${ts}:${body}`,
      key: utf8Key,
      encoding: 'hex',
      candidates: [hex],
    };
  }
  const hub = header('x-hub-signature-256');
  if (hub !== undefined) {
    const hex = hub.trim().replace(/^sha256=/, '');
    if (!hub.trim().startsWith('sha256=') || !HEX64.test(hex)) return 'malformed';
    return { scheme: 'hub', timestamp: null, message: body, key: utf8Key, encoding: 'hex', candidates: [hex] };
  }
  const shopify = header('x-shopify-hmac-sha256');
  if (shopify !== undefined) {
    if (!BASE64_256.test(shopify.trim())) return 'malformed';
    return {
      scheme: 'shopify',
      timestamp: null,
      message: body,
      key: utf8Key,
      encoding: 'base64',
      candidates: [shopify.trim()],
    };
  }
  const ts = header(TIMESTAMP_HEADER)?.trim();
  const own = header(SIGNATURE_HEADER);
  if (ts === undefined && own === undefined) return null;
  const candidates = (own ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.startsWith('v1='))
    .map((p) => p.slice(3))
    .filter((h) => HEX64.test(h));
  if (!ts || !SECONDS.test(ts) || candidates.length === 0) return 'malformed';
  return { scheme: 'promptpulse', timestamp: ts, message: `${ts}.${body}`, key: utf8Key, encoding: 'hex', candidates };
}

/**
 * Checks a signed request in the convention its headers speak. The answer depends only on the request until a
 * secret matches — an unknown connector, a connector set to another convention and a wrong secret all say
 * `invalid` —, so it never tells whether a connector exists or which convention it uses. Timestamped conventions
 * must be within the tolerance (a captured request cannot be replayed later); `hub` and `shopify` sign no timestamp,
 * so a resend is absorbed by the items' ids. Any of the connector's valid secrets counts (rotation). Constant-time.
 */
export const verifyWebhookSignature: WebhookDeps['verify'] = (input): SignatureCheck => {
  const signed = readSignature(input.header, input.body);
  if (signed === null || signed === 'malformed') return 'malformed';
  if (signed.timestamp !== null && Math.abs(input.nowSeconds - Number(signed.timestamp)) > input.toleranceSeconds) {
    return 'stale';
  }
  if (input.scheme !== null && signed.scheme !== input.scheme) return 'invalid';
  for (const secret of input.secrets) {
    const expected = createHmac('sha256', signed.key(secret.value)).update(signed.message, 'utf8').digest();
    for (const candidate of signed.candidates) {
      const given = Buffer.from(signed.encoding === 'hex' ? candidate.toLowerCase() : candidate, signed.encoding);
      if (given.length === expected.length && timingSafeEqual(given, expected)) return 'valid';
    }
  }
  return 'invalid';
};

/**
 * 256 random bits as `whsec_<base64>`: the Standard Webhooks form (its libraries decode the part after the prefix
 * as base64), and a string the other conventions use as is; the prefix makes a leaked secret recognisable.
 */
export const newWebhookSecretValue = () => `whsec_${randomBytes(32).toString('base64')}`;
