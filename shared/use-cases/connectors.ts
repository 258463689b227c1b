import type {
  Connector,
  ConnectorInputParsed,
  ConnectorTestResult,
  ConnectorUpdateSchema,
} from '../contracts/connectors.ts';
import { estimateVolume } from '../domain/connector-volume.ts';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { prefixedId } from '../domain/ids.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { PageRequest } from '../ports/pagination.ts';
import {
  ConnectorError,
  type ConnectorRepository,
  type SignalConnector,
  type WebhookSecret,
} from '../ports/signal-connector.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import { auditEntry, changesBetween } from './audit.ts';

import { type BrandAnalyzers, toSignalEvents } from './connector-analysis.ts';

// The use cases of connectors, split by concern: admin (here), analysis, the ingest workflow and the webhook.
export * from './connector-analysis.ts';
export * from './connector-ingest.ts';
export * from './connector-webhook.ts';

export const CONNECTOR_ID_PREFIX = 'con';
export const WEBHOOK_SECRET_PREFIX = 'whs';

/** What the admin API needs. */
export interface ConnectorAdminDeps {
  connectors: ConnectorRepository;
  brands: Pick<BrandRepository, 'getBrand'>;
  clock: Clock;
  ids: IdGenerator;
  /** The pull adapter of a source. */
  sources: (source: Exclude<Connector['source'], 'webhook'>) => SignalConnector;
  /**
   * Checks a tenant-entered URL against the outbound rules (docs/adr/0008-outbound-url-guard-against-ssrf.md; DNS included).
   * @throws ValidationError naming the field
   */
  checkUrl: (url: string, field: string) => Promise<void>;
  /** A new random webhook signing secret (≥ 256 bits). */
  newSecret: () => string;
  /** The public URL senders post to for a webhook connector. */
  webhookUrl: (connectorId: string) => string;
  /** Starts an ingest execution now (after "poll now"); optional — the schedule picks it up anyway. */
  startIngest?: () => Promise<void>;
}

const AUDITED = ['name', 'intervalMinutes', 'config', 'status'] as const;

const notFound = () => new NotFoundError('Connector not found', { code: 'connector_not_found' });

export async function listConnectors(deps: ConnectorAdminDeps, tenant: TenantPrincipal, page: PageRequest) {
  return deps.connectors.list(tenant.tenantId, page);
}

export async function getConnectorOrThrow(
  deps: Pick<ConnectorAdminDeps, 'connectors'>,
  tenant: TenantPrincipal,
  id: string,
) {
  const connector = await deps.connectors.get(tenant.tenantId, id);
  if (!connector) throw notFound();
  return connector;
}

async function assertBrand(deps: Pick<ConnectorAdminDeps, 'brands'>, tenantId: TenantId, brandId: string) {
  const brand = await deps.brands.getBrand(tenantId, brandId);
  if (!brand) {
    throw new ValidationError('brandId: no such brand in this workspace', {
      code: 'brand_not_found',
      details: [{ path: 'brandId', message: 'no such brand in this workspace' }],
    });
  }
  return brand;
}

async function assertConfigAllowed(deps: ConnectorAdminDeps, config: Connector['config']) {
  if (config.source === 'rss') await deps.checkUrl(config.feedUrl, 'config.feedUrl');
}

function newWebhookSecret(deps: ConnectorAdminDeps, value?: string): WebhookSecret {
  return {
    id: prefixedId(WEBHOOK_SECRET_PREFIX, deps.ids.next()),
    value: value ?? deps.newSecret(),
    createdAt: deps.clock.now().toISOString(),
  };
}

export async function createConnector(deps: ConnectorAdminDeps, actor: TenantPrincipal, input: ConnectorInputParsed) {
  await assertBrand(deps, actor.tenantId, input.brandId);
  await assertConfigAllowed(deps, input.config);
  const now = deps.clock.now().toISOString();
  const id = prefixedId(CONNECTOR_ID_PREFIX, deps.ids.next());
  const isWebhook = input.config.source === 'webhook';
  const secret = isWebhook ? newWebhookSecret(deps) : null;
  const connector: Connector = {
    id,
    brandId: input.brandId,
    name: input.name,
    source: input.config.source,
    intervalMinutes: input.intervalMinutes,
    config: input.config,
    status: 'active',
    statusMessage: null,
    nextRunAt: isWebhook ? null : now,
    lastRunAt: null,
    lastSuccessAt: null,
    lastError: null,
    consecutiveFailures: 0,
    itemsIngested: 0,
    skipped: {},
    webhookSecrets: secret ? [{ id: secret.id, createdAt: secret.createdAt }] : [],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await deps.connectors.create(
    actor.tenantId,
    connector,
    secret,
    auditEntry(deps, actor, {
      action: 'connector.created',
      target: { type: 'connector', id },
      summary: `Connected ${connector.source} “${connector.name}”`,
      changes: changesBetween(null, connector, AUDITED),
    }),
  );
  return {
    ...connector,
    webhookSecret: secret ? { id: secret.id, value: secret.value, url: deps.webhookUrl(id) } : null,
  };
}

export async function updateConnector(
  deps: ConnectorAdminDeps,
  actor: TenantPrincipal,
  id: string,
  expectedVersion: number,
  input: ReturnType<typeof ConnectorUpdateSchema.parse>,
) {
  const existing = await getConnectorOrThrow(deps, actor, id);
  if (input.config.source !== existing.source) {
    throw new ValidationError('config.source: a connector keeps its source; create a new connector instead', {
      code: 'source_change_not_allowed',
      details: [{ path: 'config.source', message: `must stay ${existing.source}` }],
    });
  }
  await assertConfigAllowed(deps, input.config);
  const configChanged = JSON.stringify(existing.config) !== JSON.stringify(input.config);
  const now = deps.clock.now().toISOString();
  const updated: Connector = {
    ...existing,
    name: input.name,
    intervalMinutes: input.intervalMinutes,
    config: input.config,
    // A fixed configuration is worth trying again now.
    ...(configChanged && existing.status === 'needs_attention'
      ? { status: 'active' as const, statusMessage: null, consecutiveFailures: 0 }
      : {}),
    ...(configChanged && existing.source !== 'webhook' && existing.status !== 'paused' ? { nextRunAt: now } : {}),
    updatedAt: now,
    version: existing.version + 1,
  };
  await deps.connectors.update(
    actor.tenantId,
    updated,
    expectedVersion,
    auditEntry(deps, actor, {
      action: 'connector.updated',
      target: { type: 'connector', id },
      summary: `Changed connector “${updated.name}”`,
      changes: changesBetween(existing, updated, AUDITED),
    }),
    // Another query or feed: the old checkpoint means nothing for it.
    { resetCursor: configChanged },
  );
  return updated;
}

/** Pause stops polling (and refuses webhook posts); resume makes it due now and clears needs-attention. */
export async function setConnectorPaused(
  deps: ConnectorAdminDeps,
  actor: TenantPrincipal,
  id: string,
  paused: boolean,
) {
  const existing = await getConnectorOrThrow(deps, actor, id);
  const now = deps.clock.now().toISOString();
  if (paused && existing.status === 'paused') return existing;
  const updated: Connector = paused
    ? { ...existing, status: 'paused', statusMessage: 'Paused by an admin', nextRunAt: null }
    : {
        ...existing,
        status: 'active',
        statusMessage: null,
        consecutiveFailures: 0,
        nextRunAt: existing.source === 'webhook' ? null : now,
      };
  const next = { ...updated, updatedAt: now, version: existing.version + 1 };
  await deps.connectors.update(
    actor.tenantId,
    next,
    existing.version,
    auditEntry(deps, actor, {
      action: paused ? 'connector.paused' : 'connector.resumed',
      target: { type: 'connector', id },
      summary: `${paused ? 'Paused' : 'Resumed'} connector “${existing.name}”`,
      changes: changesBetween(existing, next, ['status']),
    }),
  );
  if (!paused && existing.source !== 'webhook') await deps.startIngest?.().catch(() => undefined);
  return next;
}

export async function deleteConnector(deps: ConnectorAdminDeps, actor: TenantPrincipal, id: string) {
  const existing = await getConnectorOrThrow(deps, actor, id);
  await deps.connectors.delete(
    actor.tenantId,
    id,
    auditEntry(deps, actor, {
      action: 'connector.deleted',
      target: { type: 'connector', id },
      summary: `Deleted connector “${existing.name}” (its signals stay for reporting)`,
      changes: changesBetween(existing, null, AUDITED),
    }),
  );
}

export async function rotateWebhookSecret(
  deps: ConnectorAdminDeps,
  actor: TenantPrincipal,
  id: string,
  revoke: readonly string[],
  /** The sender's own secret, when it generates one (Stripe, Slack, Shopify, Meta, Svix). */
  value?: string,
) {
  const existing = await getConnectorOrThrow(deps, actor, id);
  if (existing.source !== 'webhook') {
    throw new ConflictError('Only webhook connectors have signing secrets', { code: 'not_a_webhook' });
  }
  const unknown = revoke.filter((r) => !existing.webhookSecrets.some((s) => s.id === r));
  if (unknown.length > 0) {
    throw new ValidationError('revoke: unknown secret id', {
      code: 'unknown_secret',
      details: unknown.map((r) => ({ path: 'revoke', message: `no secret ${r}` })),
    });
  }
  const secret = newWebhookSecret(deps, value);
  const now = secret.createdAt;
  const kept = existing.webhookSecrets.filter((s) => !revoke.includes(s.id));
  if (kept.length + 1 > 3) {
    throw new ConflictError('At most 3 signing secrets can be valid at once; revoke an old one in the same request', {
      code: 'too_many_secrets',
    });
  }
  const updated: Connector = {
    ...existing,
    webhookSecrets: [...kept, { id: secret.id, createdAt: secret.createdAt }],
    updatedAt: now,
    version: existing.version + 1,
  };
  await deps.connectors.rotateSecret(
    actor.tenantId,
    updated,
    secret,
    revoke,
    auditEntry(deps, actor, {
      action: 'connector.secret_rotated',
      target: { type: 'connector', id },
      summary: `New signing secret for “${existing.name}”${value ? ' (given by the sender)' : ''}${revoke.length ? `; revoked ${revoke.length}` : ''}`,
    }),
  );
  return { ...updated, webhookSecret: { id: secret.id, value: secret.value, url: deps.webhookUrl(id) } };
}

/** "Poll now": due immediately (needs-attention stays until someone fixes or resumes it). */
export async function pollConnectorNow(deps: ConnectorAdminDeps, actor: TenantPrincipal, id: string) {
  const existing = await getConnectorOrThrow(deps, actor, id);
  if (existing.source === 'webhook')
    throw new ConflictError('Webhook connectors are not polled', { code: 'not_polled' });
  if (existing.status === 'paused' || existing.status === 'needs_attention') {
    throw new ConflictError(`The connector is ${existing.status.replace('_', ' ')}; resume it first`, {
      code: 'connector_not_active',
    });
  }
  const now = deps.clock.now().toISOString();
  const updated: Connector = { ...existing, nextRunAt: now, updatedAt: now, version: existing.version + 1 };
  await deps.connectors.update(
    actor.tenantId,
    updated,
    existing.version,
    auditEntry(deps, actor, {
      action: 'connector.poll_requested',
      target: { type: 'connector', id },
      summary: `Asked for a poll of “${existing.name}” now`,
    }),
  );
  await deps.startIngest?.().catch(() => undefined);
  return updated;
}

/** "Fetch a sample now": one small page, normalised and analysed, nothing published or saved. */
export async function testConnector(
  deps: ConnectorAdminDeps & { analyzers: BrandAnalyzers },
  actor: TenantPrincipal,
  id: string,
): Promise<ConnectorTestResult> {
  const connector = await getConnectorOrThrow(deps, actor, id);
  if (connector.config.source === 'webhook') {
    throw new ConflictError('Webhook connectors receive posts; there is nothing to fetch', { code: 'not_polled' });
  }
  const brand = await assertBrand(deps, actor.tenantId, connector.brandId);
  try {
    const result = await deps
      .sources(connector.config.source)
      .poll({ config: connector.config, cursor: null, sample: true });
    const events = toSignalEvents(
      deps.analyzers.analyzer(actor.tenantId, brand),
      { tenantId: actor.tenantId, brandId: brand.id, connectorId: id, observedAt: deps.clock.now().toISOString() },
      result.items.slice(0, 5),
    );
    return {
      ok: true,
      error: null,
      items: events.map(({ data }) => ({
        source: data.source,
        externalId: data.externalId,
        kind: data.kind,
        url: data.url,
        channel: data.channel,
        author: data.author,
        title: data.title,
        text: data.text.slice(0, 1000),
        language: data.language,
        publishedAt: data.publishedAt,
        engagement: data.engagement,
        sentiment: data.sentiment,
        entities: data.entities,
      })),
      skipped: result.skipped,
      more: !result.caughtUp || result.items.length > 5,
      volume: estimateVolume(
        connector.config,
        result.items.filter((i) => i.kind === 'post').map((i) => i.publishedAt),
        deps.clock.now(),
        Object.values(result.skipped).reduce((a, n) => a + (n ?? 0), 0),
      ),
    };
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return {
      ok: false,
      error: { at: deps.clock.now().toISOString(), code: error.name, message: error.message },
      items: [],
      skipped: {},
      more: false,
      volume: null,
    };
  }
}
