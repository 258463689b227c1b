import type { Connector, SkipCounts } from '../contracts/connectors.ts';
import { ValidationError } from '../domain/errors.ts';
import { isTenantId, type TenantId } from '../domain/workspace.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import {
  CONNECTOR_ERROR_NAMES,
  ConnectorError,
  type ConnectorRepository,
  type SignalConnector,
} from '../ports/signal-connector.ts';
import type { Clock } from '../ports/system.ts';

import { type BrandAnalyzers, toSignalEvents } from './connector-analysis.ts';

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
  | { outcome: 'gone' | 'needs_attention' | 'rate_limited' | 'paused' };

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
    if (error.kind === 'quota') {
      // Not a success and not an outage: nothing will be read until the cap resets, so say so and stop polling.
      await recordConnectorFailure(deps, tenantId, connector, 'paused', error.name, error.message);
      return { outcome: 'paused' };
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
  if (name === CONNECTOR_ERROR_NAMES.quota) {
    await recordConnectorFailure(deps, tenantId, connector, 'paused', name, message);
    return { recorded: true, status: 'paused' };
  }
  await recordConnectorFailure(deps, tenantId, connector, 'backing_off', name, message);
  return { recorded: true, status: 'backing_off' };
}

async function recordConnectorFailure(
  deps: Pick<IngestDeps, 'connectors' | 'clock' | 'random'>,
  tenantId: TenantId,
  connector: Connector,
  status: 'needs_attention' | 'backing_off' | 'paused',
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
    message:
      status === 'needs_attention'
        ? `${message}. Fix it, then resume the connector.`
        : status === 'paused'
          ? `${message}. Paused: resume the connector once the cap has reset or the plan has changed.`
          : message,
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
