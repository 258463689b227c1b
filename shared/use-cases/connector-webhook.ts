import type { SkipCounts, WebhookBody, WebhookConfig, WebhookScheme } from '../contracts/connectors.ts';
import { ConflictError, UnauthenticatedError, ValidationError } from '../domain/errors.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import {
  type ConnectorRepository,
  countSkip,
  type NormalizedItem,
  type WebhookSecret,
} from '../ports/signal-connector.ts';
import type { Clock } from '../ports/system.ts';

import { type BrandAnalyzers, toSignalEvents } from './connector-analysis.ts';

export type SignatureCheck = 'valid' | 'invalid' | 'stale' | 'malformed';

export interface WebhookDeps {
  connectors: ConnectorRepository;
  brands: Pick<BrandRepository, 'getBrand'>;
  clock: Clock;
  events: EventPublisher;
  analyzers: BrandAnalyzers;
  /**
   * HMAC check in the convention the request's headers speak, against every valid secret, with the replay window for
   * the conventions that sign a timestamp. `scheme` = the connector's convention (null: no connector, any).
   */
  verify: (input: {
    secrets: readonly WebhookSecret[];
    scheme: WebhookScheme | null;
    header: (name: string) => string | undefined;
    body: string;
    nowSeconds: number;
    toleranceSeconds: number;
  }) => SignatureCheck;
}

/**
 * `POST /ingest/webhooks/{connectorId}`: authenticated by the signature alone. Every refusal happens before
 * anything is stored; an unknown connector and a bad signature look the same (401).
 */
export async function ingestWebhook(
  deps: WebhookDeps,
  input: {
    connectorId: string;
    /** A request header by lower-case name. */
    header: (name: string) => string | undefined;
    body: string;
    /** The body as items (a connector with a field map reads a tool's own JSON; its skips are counted). */
    parse: (body: string, config: WebhookConfig | null) => WebhookBody & { skipped?: SkipCounts };
  },
) {
  const found = /^con_[0-9a-hjkmnp-tv-z]{26}$/.test(input.connectorId)
    ? await deps.connectors.findWebhook(input.connectorId)
    : null;
  const config = found?.connector.config;
  const tolerance = config?.source === 'webhook' ? config.toleranceSeconds : 300;
  // An unknown connector goes through the same checks with no secret, so it answers exactly as a known connector
  // given a wrong signature: the status never tells whether a connector id exists.
  const check = deps.verify({
    secrets: found?.secrets ?? [],
    scheme: config?.source === 'webhook' ? (config.scheme ?? 'promptpulse') : null,
    header: input.header,
    body: input.body,
    nowSeconds: Math.floor(deps.clock.now().getTime() / 1000),
    toleranceSeconds: tolerance,
  });
  if (check === 'malformed') {
    throw new ValidationError(
      'Sign the request in the connector’s convention: X-PromptPulse-Timestamp and X-PromptPulse-Signature (v1=<hex HMAC-SHA256>), Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature), Stripe-Signature, X-Hub-Signature-256, X-Slack-Signature or X-Shopify-Hmac-Sha256',
      { code: 'signature_headers_missing' },
    );
  }
  if (check === 'stale') {
    throw new UnauthenticatedError(`The timestamp is outside the ${tolerance}-second replay window`);
  }
  if (check !== 'valid' || !found) throw new UnauthenticatedError('The signature does not match');
  if (found.connector.status === 'paused') {
    throw new ConflictError('This connector is paused', { code: 'connector_paused' });
  }
  const body = input.parse(input.body, config?.source === 'webhook' ? config : null);
  const brand = await deps.brands.getBrand(found.tenantId, found.connector.brandId);
  if (!brand) throw new ConflictError('The brand of this connector was deleted', { code: 'brand_deleted' });
  const skipped: SkipCounts = { ...body.skipped };
  const seen = new Set<string>();
  const items: NormalizedItem[] = [];
  for (const item of body.items) {
    if (seen.has(item.id)) {
      countSkip(skipped, 'duplicate');
      continue;
    }
    seen.add(item.id);
    if (!item.text.trim() && !item.title?.trim()) {
      countSkip(skipped, 'empty_text');
      continue;
    }
    items.push({
      source: 'webhook',
      externalId: item.id,
      kind: item.kind,
      parentExternalId: item.parentId,
      url: item.url,
      channel: item.channel,
      author: item.author,
      title: item.title,
      text: item.text,
      language: item.language?.split('-')[0]?.toLowerCase() ?? null,
      publishedAt: new Date(item.publishedAt).toISOString(),
      reach: item.reach,
      engagement: item.engagement,
    });
  }
  const observedAt = deps.clock.now().toISOString();
  const events = toSignalEvents(
    deps.analyzers.analyzer(found.tenantId, brand),
    { tenantId: found.tenantId, brandId: brand.id, connectorId: found.connector.id, observedAt },
    items,
  );
  if (events.length > 0) await deps.events.publish(events);
  await deps.connectors.recordProgress(found.tenantId, found.connector.id, {
    kind: 'page',
    at: observedAt,
    cursor: null,
    published: events.length,
    skipped,
    nextRunAt: null,
  });
  return { accepted: events.length, skipped };
}
