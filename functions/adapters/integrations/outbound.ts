import { createHmac } from 'node:crypto';
import type { MessageSigner, OutboundUrlValidator, WebhookResponse, WebhookSender } from '#shared/ports/actions.ts';
import {
  assertOutboundUrlAllowed,
  type OutboundPolicy,
  OutboundUrlRefusedError,
  outboundRequest,
} from '../http/outbound-url-guard.ts';

/** Integration URLs are checked by the outbound URL guard (functions/adapters/http/outbound-url-guard.ts) before they are stored or used. */
export class GuardedUrlValidator implements OutboundUrlValidator {
  constructor(
    private readonly policy: OutboundPolicy,
    private readonly resolve?: Parameters<typeof assertOutboundUrlAllowed>[2],
  ) {}

  async assertAllowed(url: string, field: string): Promise<void> {
    try {
      await assertOutboundUrlAllowed(url, this.policy, this.resolve);
    } catch (error) {
      if (error instanceof OutboundUrlRefusedError) throw error.toValidationError(field);
      throw error;
    }
  }
}

/**
 * Delivers a webhook POST through the guard: https only, every resolved address checked at connect time, no
 * redirects (a 3xx is a failure), bounded time and response size. Never throws: the outcome is data.
 */
export class GuardedWebhookSender implements WebhookSender {
  constructor(
    private readonly policy: OutboundPolicy,
    private readonly timeoutMs = 10_000,
  ) {}

  async post(url: string, headers: Record<string, string>, body: string): Promise<WebhookResponse> {
    const started = performance.now();
    try {
      const response = await outboundRequest(
        url,
        { method: 'POST', headers, body, timeoutMs: this.timeoutMs, maxResponseBytes: 64 * 1024 },
        this.policy,
      );
      return { httpStatus: response.status, error: null, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      const message =
        error instanceof OutboundUrlRefusedError ? `${error.reason}: ${error.message}` : (error as Error).message;
      return { httpStatus: null, error: message, durationMs: Math.round(performance.now() - started) };
    }
  }
}

export const hmacSigner: MessageSigner = {
  hmacSha256Hex: (secret, content) => createHmac('sha256', secret).update(content, 'utf8').digest('hex'),
};
