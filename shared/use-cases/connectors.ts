import { createAnalyzer } from '../analysis/index.ts';
import type { Brand } from '../contracts/brands.ts';
import type {
  Connector,
  ConnectorInputParsed,
  ConnectorTestResult,
  ConnectorUpdateSchema,
  SkipCounts,
  WebhookBody,
} from '../contracts/connectors.ts';
import { ConflictError, NotFoundError, UnauthenticatedError, ValidationError } from '../domain/errors.ts';
import { prefixedId } from '../domain/ids.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { toTrackedEntities } from '../domain/tracked-entities.ts';
import { isTenantId, type TenantId } from '../domain/workspace.ts';
import { signalAnalysisText, signalObservedEvent } from '../events/builders.ts';
import type { SignalObservedEvent } from '../events/schemas.ts';
import type { TextAnalyzer } from '../ports/analysis.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { PageRequest } from '../ports/pagination.ts';
import {
  CONNECTOR_ERROR_NAMES,
  ConnectorError,
  type ConnectorRepository,
  countSkip,
  type NormalizedItem,
  type SignalConnector,
  type WebhookSecret,
} from '../ports/signal-connector.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import { auditEntry, changesBetween } from './audit.ts';

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
   * Checks a tenant-entered URL against the outbound rules (DESIGN.md §7; DNS included).
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

function newWebhookSecret(deps: ConnectorAdminDeps): WebhookSecret {
  return {
    id: prefixedId(WEBHOOK_SECRET_PREFIX, deps.ids.next()),
    value: deps.newSecret(),
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
  const secret = newWebhookSecret(deps);
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
      summary: `New signing secret for “${existing.name}”${revoke.length ? `; revoked ${revoke.length}` : ''}`,
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

// --- Analysis (shared by the workflow, the webhook and the test) --------------------------------------------------

/** Analysers per brand configuration version: compiling the entities once per container is the expensive part. */
export class BrandAnalyzers {
  private readonly cache = new Map<string, TextAnalyzer>();
  analyzer(tenantId: string, brand: Brand): TextAnalyzer {
    const key = `${tenantId}|${brand.id}|${brand.version}`;
    let analyzer = this.cache.get(key);
    if (!analyzer) {
      if (this.cache.size > 200) this.cache.clear();
      analyzer = createAnalyzer(toTrackedEntities(brand));
      this.cache.set(key, analyzer);
    }
    return analyzer;
  }
}

/** Normalised items → analysed signal.observed events (the title is analysed with the body). */
export function toSignalEvents(
  analyzer: TextAnalyzer,
  context: { tenantId: string; brandId: string; connectorId: string; observedAt: string },
  items: readonly NormalizedItem[],
): SignalObservedEvent[] {
  return items.map((item) =>
    signalObservedEvent({
      ...context,
      item,
      analysis: analyzer.analyze({ text: signalAnalysisText(item), kind: item.kind === 'article' ? 'news' : 'social' }),
    }),
  );
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
    };
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return {
      ok: false,
      error: { at: deps.clock.now().toISOString(), code: error.name, message: error.message },
      items: [],
      skipped: {},
      more: false,
    };
  }
}

// --- The ingest workflow ------------------------------------------------------------------------------------------

export interface IngestDeps {
  connectors: ConnectorRepository;
  brands: Pick<BrandRepository, 'getBrand'>;
  clock: Clock;
  sources: (source: Exclude<Connector['source'], 'webhook'>) => SignalConnector;
  events: EventPublisher;
  analyzers: BrandAnalyzers;
  /** Random in [0, 1) for backoff jitter. */
  random?: () => number;
}

/** How long a claimed connector is reserved for one execution before another may take it (a crashed run). */
export const INGEST_LEASE_MS = 15 * 60_000;
/** Pages polled per connector per execution; a longer backlog continues in the next execution, a minute later. */
export const MAX_PAGES_PER_RUN = 10;
const MAX_BACKOFF_MS = 6 * 3600_000;

function tenantIdOf(value: string): TenantId {
  if (!isTenantId(value)) throw new ValidationError('invalid tenant id', { code: 'invalid_tenant' });
  return value;
}

/** Step "FindDue": due pull connectors across tenants, each claimed for this execution. */
export async function findDueConnectors(
  deps: Pick<IngestDeps, 'connectors' | 'clock'>,
  input: { limit?: number } = {},
) {
  const now = deps.clock.now();
  const due = await deps.connectors.listDue(now.toISOString(), Math.min(input.limit ?? 40, 100));
  const leaseUntil = new Date(now.getTime() + INGEST_LEASE_MS).toISOString();
  const claimed: { tenantId: string; connectorId: string }[] = [];
  for (const item of due) {
    if (await deps.connectors.claim(item.tenantId, item.connectorId, now.toISOString(), leaseUntil)) claimed.push(item);
  }
  return { connectors: claimed, maxPages: MAX_PAGES_PER_RUN };
}

export type IngestPageResult =
  | {
      outcome: 'published';
      published: number;
      skipped: SkipCounts;
      cursor: string | null;
      caughtUp: boolean;
      retryAfterMs: number | null;
    }
  | { outcome: 'gone' | 'needs_attention' | 'rate_limited' };

/**
 * Step "IngestPage": one page — poll, normalise, analyse, publish. The cursor is returned, not saved: step
 * "Checkpoint" saves it after this step succeeded, so a crash between publish and checkpoint re-polls the same
 * page and republishes the same event ids (consumers dedupe on id).
 * Credentials and configuration problems are recorded here (needs attention, no retry); an outage is thrown as
 * ConnectorUnavailableError for the state machine's Retry, then RecordFailure backs off.
 */
export async function ingestPage(
  deps: IngestDeps,
  input: { tenantId: string; connectorId: string },
): Promise<IngestPageResult> {
  const tenantId = tenantIdOf(input.tenantId);
  const connector = await deps.connectors.get(tenantId, input.connectorId);
  if (
    !connector ||
    connector.config.source === 'webhook' ||
    connector.status === 'paused' ||
    connector.status === 'needs_attention'
  ) {
    return { outcome: 'gone' };
  }
  const brand = await deps.brands.getBrand(tenantId, connector.brandId);
  if (!brand) {
    await recordConnectorFailure(
      deps,
      tenantId,
      connector,
      'needs_attention',
      'brand_deleted',
      'The brand of this connector was deleted',
    );
    return { outcome: 'needs_attention' };
  }
  const cursor = await deps.connectors.getCursor(tenantId, connector.id);
  let page: Awaited<ReturnType<SignalConnector['poll']>>;
  try {
    page = await deps.sources(connector.config.source).poll({ config: connector.config, cursor });
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    if (error.kind === 'credentials' || error.kind === 'config') {
      await recordConnectorFailure(deps, tenantId, connector, 'needs_attention', error.name, error.message);
      return { outcome: 'needs_attention' };
    }
    if (error.kind === 'rate_limited') {
      const wait = error.retryAfterMs ?? 60_000;
      await deps.connectors.recordProgress(tenantId, connector.id, {
        kind: 'page',
        at: deps.clock.now().toISOString(),
        cursor,
        published: 0,
        skipped: {},
        nextRunAt: new Date(deps.clock.now().getTime() + wait).toISOString(),
      });
      return { outcome: 'rate_limited' };
    }
    throw error;
  }
  const observedAt = deps.clock.now().toISOString();
  const events = toSignalEvents(
    deps.analyzers.analyzer(tenantId, brand),
    { tenantId, brandId: brand.id, connectorId: connector.id, observedAt },
    page.items,
  );
  if (events.length > 0) await deps.events.publish(events);
  return {
    outcome: 'published',
    published: events.length,
    skipped: page.skipped,
    cursor: page.nextCursor,
    caughtUp: page.caughtUp,
    retryAfterMs: page.retryAfterMs ?? null,
  };
}

/**
 * Step "Checkpoint": saves the cursor and counters of a published page, and says whether to poll another page now
 * (not caught up, page budget left, no rate-limit wait). When the walk stops, the next run is scheduled: the
 * interval, the source's rate-limit reset, or a minute later when the page budget ran out mid-backlog.
 */
export async function checkpointConnector(
  deps: Pick<IngestDeps, 'connectors' | 'clock'>,
  input: {
    tenantId: string;
    connectorId: string;
    page: number;
    maxPages: number;
    result: Extract<IngestPageResult, { outcome: 'published' }>;
  },
) {
  const tenantId = tenantIdOf(input.tenantId);
  const { result } = input;
  const connector = await deps.connectors.get(tenantId, input.connectorId);
  const now = deps.clock.now();
  const more = !result.caughtUp && result.retryAfterMs === null && input.page + 1 < input.maxPages;
  let nextRunAt: string | null = null;
  if (!more) {
    const wait =
      result.retryAfterMs !== null
        ? result.retryAfterMs
        : result.caughtUp
          ? (connector?.intervalMinutes ?? 15) * 60_000
          : 60_000;
    nextRunAt = new Date(now.getTime() + wait).toISOString();
  }
  await deps.connectors.recordProgress(tenantId, input.connectorId, {
    kind: 'page',
    at: now.toISOString(),
    cursor: result.cursor,
    published: result.published,
    skipped: result.skipped,
    nextRunAt,
  });
  return { more, page: input.page + 1 };
}

/**
 * Step "RecordFailure": the page failed after the state machine's retries (source outage, publish failure).
 * Backs off exponentially from the interval (full jitter, capped at 6 h) so a down source is not hammered.
 */
export async function recordIngestFailure(
  deps: Pick<IngestDeps, 'connectors' | 'clock' | 'random'>,
  input: { tenantId: string; connectorId: string; error?: { Error?: string; Cause?: string } },
) {
  const tenantId = tenantIdOf(input.tenantId);
  const connector = await deps.connectors.get(tenantId, input.connectorId);
  if (!connector) return { recorded: false };
  const name = (input.error?.Error ?? 'Error').slice(0, 100);
  const message = causeMessage(input.error?.Cause);
  if (name === CONNECTOR_ERROR_NAMES.credentials || name === CONNECTOR_ERROR_NAMES.config) {
    await recordConnectorFailure(deps, tenantId, connector, 'needs_attention', name, message);
    return { recorded: true, status: 'needs_attention' };
  }
  await recordConnectorFailure(deps, tenantId, connector, 'backing_off', name, message);
  return { recorded: true, status: 'backing_off' };
}

async function recordConnectorFailure(
  deps: Pick<IngestDeps, 'connectors' | 'clock' | 'random'>,
  tenantId: TenantId,
  connector: Connector,
  status: 'needs_attention' | 'backing_off',
  code: string,
  message: string,
) {
  const now = deps.clock.now();
  let nextRunAt: string | null = null;
  if (status === 'backing_off') {
    const base = connector.intervalMinutes * 60_000;
    const cap = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(connector.consecutiveFailures + 1, 10));
    const delay = Math.max(60_000, Math.floor((deps.random ?? Math.random)() * cap));
    nextRunAt = new Date(now.getTime() + delay).toISOString();
  }
  await deps.connectors.recordProgress(tenantId, connector.id, {
    kind: 'failure',
    at: now.toISOString(),
    status,
    code,
    message: status === 'needs_attention' ? `${message}. Fix it, then resume the connector.` : message,
    nextRunAt,
  });
}

function causeMessage(cause: string | undefined): string {
  if (!cause) return 'failed without a message';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown; message?: unknown };
    const message = parsed.errorMessage ?? parsed.message;
    if (typeof message === 'string') return message.slice(0, 500);
  } catch {
    // not JSON
  }
  return cause.slice(0, 500);
}

// --- Inbound webhook ------------------------------------------------------------------------------------------------

export type SignatureCheck = 'valid' | 'invalid' | 'stale' | 'malformed';

export interface WebhookDeps {
  connectors: ConnectorRepository;
  brands: Pick<BrandRepository, 'getBrand'>;
  clock: Clock;
  events: EventPublisher;
  analyzers: BrandAnalyzers;
  /** HMAC check of `timestamp + "." + body` against every valid secret, with the replay window. */
  verify: (input: {
    secrets: readonly WebhookSecret[];
    timestamp: string | undefined;
    signature: string | undefined;
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
    timestamp: string | undefined;
    signature: string | undefined;
    body: string;
    parse: (body: string) => WebhookBody;
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
    timestamp: input.timestamp,
    signature: input.signature,
    body: input.body,
    nowSeconds: Math.floor(deps.clock.now().getTime() / 1000),
    toleranceSeconds: tolerance,
  });
  if (check === 'malformed') {
    throw new ValidationError(
      'Send X-PromptPulse-Timestamp (Unix seconds) and X-PromptPulse-Signature (v1=<hex HMAC-SHA256>)',
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
  const body = input.parse(input.body);
  const brand = await deps.brands.getBrand(found.tenantId, found.connector.brandId);
  if (!brand) throw new ConflictError('The brand of this connector was deleted', { code: 'brand_deleted' });
  const skipped: SkipCounts = {};
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
