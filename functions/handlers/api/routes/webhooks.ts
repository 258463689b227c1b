import {
  type SkipCounts,
  type WebhookBody,
  WebhookBodySchema,
  type WebhookConfig,
  WebhookPreviewRequestSchema,
  WebhookPreviewResultSchema,
  WebhookResultSchema,
} from '#shared/contracts/connectors.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { applyWebhookFieldMap } from '#shared/domain/webhook-field-map.ts';
import type { RateLimitSetting } from '#shared/ports/rate-limiter.ts';
import { ingestWebhook } from '#shared/use-cases/connectors.ts';
import { HttpError } from '../../../middleware/http-errors.ts';
import { header, parseJsonBody, rawBody } from '../../../middleware/request.ts';
import type { RouteDefinition } from '../routes.ts';
import { type ConnectorServices, connectorServicesOf } from './connectors.ts';

async function throttleWebhook(setting: RateLimitSetting, connectorId: string): Promise<void> {
  const id = /^con_[0-9a-hjkmnp-tv-z]{26}$/.test(connectorId) ? connectorId : 'malformed';
  const decision = await setting.limiter.hit(
    { partition: `RATE#webhook#${id}`, name: 'ingest' },
    setting.rule,
    new Date(),
  );
  if (!decision.allowed) {
    throw new HttpError(
      429,
      'rate_limited',
      `Too many webhook requests for this connector; try again in ${decision.retryAfterSeconds} s`,
      { limit: setting.rule.limit, windowSeconds: setting.rule.windowSeconds },
      { 'retry-after': String(decision.retryAfterSeconds) },
    );
  }
}

/** Largest signed webhook body: 100 items of a few KB each. Larger bodies get 413 before any parsing. */
export const WEBHOOK_MAX_BYTES = 256 * 1024;

/**
 * `POST /ingest/webhooks/{connectorId}`: the one route authenticated by an HMAC signature instead of a JWT (senders
 * are other systems, not signed-in users), so it is in PUBLIC_ROUTES and skips the JWT authorizer. What protects it:
 * the signature over the raw body (and timestamp) with one of the connector's secrets, in the connector's convention
 * (webhook-signature.ts), a replay window on the timestamp where the convention signs one,
 * a size limit checked first, strict body validation, and the tenant taken from the stored connector — never from
 * the request. Every refusal stores nothing.
 */
export function webhookRoutes(deps: {
  connectors?: ConnectorServices;
  webhookRateLimit?: RateLimitSetting | undefined;
}): RouteDefinition[] {
  return [
    {
      method: 'POST',
      path: '/ingest/webhooks/:connectorId',
      summary:
        'Receive signed posts for a webhook connector, signed in its convention: X-PromptPulse-Timestamp and X-PromptPulse-Signature (v1=HMAC-SHA256 of "<timestamp>.<body>"), Standard Webhooks, Stripe-Signature, X-Hub-Signature-256, X-Slack-Signature or X-Shopify-Hmac-Sha256',
      access: { kind: 'public' },
      docs: { body: WebhookBodySchema, response: WebhookResultSchema },
      handle: async (ctx) => {
        // Counted per connector id before anything is read, whether or not the connector exists (a limit only
        // known connectors hit would tell which ids exist).
        if (deps.webhookRateLimit) await throttleWebhook(deps.webhookRateLimit, ctx.params.connectorId ?? '');
        const body = rawBody(ctx.event, WEBHOOK_MAX_BYTES);
        const result = await ingestWebhook(connectorServicesOf(deps).webhook, {
          connectorId: ctx.params.connectorId ?? '',
          header: (name) => header(ctx.event, name),
          body,
          parse: parseWebhookBody,
        });
        return { status: 202, body: result };
      },
    },
    {
      method: 'POST',
      path: '/connectors/webhook-preview',
      summary:
        "What a field map makes of a listening tool's own JSON (a sample body), before the map is saved on a webhook connector",
      access: { kind: 'tenant', roles: ['owner', 'admin'] },
      docs: { body: WebhookPreviewRequestSchema, response: WebhookPreviewResultSchema },
      handle: async (ctx) => {
        const { fieldMap, sample } = parseJsonBody(ctx.event, WebhookPreviewRequestSchema, WEBHOOK_MAX_BYTES);
        const mapped = applyWebhookFieldMap(sample, fieldMap);
        return {
          status: 200,
          body: { ...mapped, items: mapped.items.slice(0, 10), problems: mapped.problems.slice(0, 20) },
        };
      },
    },
  ];
}

/**
 * A webhook body: PromptPulse's `{"items":[…]}` (strict: anything else is refused), or, when the connector has a
 * field map, the tool's own JSON read through it (items it cannot read are skipped and counted; a body it reads no
 * item from is refused with the reasons).
 */
function parseWebhookBody(text: string, config: WebhookConfig | null): WebhookBody & { skipped?: SkipCounts } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ValidationError('The body is not valid JSON', { code: 'invalid_json' });
  }
  if (config?.fieldMap) {
    const mapped = applyWebhookFieldMap(json, config.fieldMap);
    if (mapped.items.length === 0) {
      throw new ValidationError('The field map read no item from the body', {
        code: 'validation_failed',
        details: mapped.problems.slice(0, 20).map((p) => ({ path: `items.${p.index}.${p.field}`, message: p.message })),
      });
    }
    return { items: mapped.items, skipped: mapped.skipped };
  }
  const parsed = WebhookBodySchema.safeParse(json);
  if (!parsed.success) {
    throw new ValidationError('The body does not match the webhook schema', {
      code: 'validation_failed',
      details: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}
