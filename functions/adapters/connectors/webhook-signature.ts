import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
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

/**
 * Checks a signed request: the timestamp must be Unix seconds within the tolerance (a captured request cannot be
 * replayed later), and one of the `v1=` signatures must match one of the connector's valid secrets (old and new both
 * count during a rotation). Constant-time comparison.
 */
export const verifyWebhookSignature: WebhookDeps['verify'] = (input): SignatureCheck => {
  if (!input.timestamp || !input.signature || !/^\d{1,12}$/.test(input.timestamp.trim())) return 'malformed';
  const signatures = input.signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3))
    .filter((hex) => /^[0-9a-f]{64}$/i.test(hex));
  if (signatures.length === 0) return 'malformed';
  const timestamp = input.timestamp.trim();
  if (Math.abs(input.nowSeconds - Number(timestamp)) > input.toleranceSeconds) return 'stale';
  for (const secret of input.secrets) {
    const expected = Buffer.from(webhookSignature(secret.value, timestamp, input.body), 'hex');
    for (const hex of signatures) {
      const given = Buffer.from(hex.toLowerCase(), 'hex');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return 'valid';
    }
  }
  return 'invalid';
};

/** 256 random bits, prefixed so a leaked secret is recognisable in scanners. */
export const newWebhookSecretValue = () => `whsec_${randomBytes(32).toString('base64url')}`;
