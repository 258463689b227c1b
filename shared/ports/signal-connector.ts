import type { Connector, ConnectorConfig, SkipCounts, SkipReason } from '../contracts/connectors.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { ObservedItem } from '../events/builders.ts';
import type { SignalSource } from '../events/schemas.ts';
import type { AuditRecord } from './audit.ts';
import type { Page, PageRequest } from './pagination.ts';

/** A post from the social or news web, normalised across sources (what signal.observed carries before analysis). */
export type NormalizedItem = ObservedItem;

export interface PollResult {
  items: NormalizedItem[];
  /** Items dropped from this page, by reason (deleted, malformed...). A bad item never stops a page. */
  skipped: SkipCounts;
  /**
   * Opaque cursor to resume from; the workflow saves it only after the page's items are published, so a crash
   * re-polls the page (and the deterministic event ids absorb the re-publish).
   */
  nextCursor: string | null;
  /** True when there is nothing newer to fetch right now. */
  caughtUp: boolean;
  /**
   * The source asked us to slow down (rate-limit headers said the budget is spent): do not poll before this
   * many milliseconds. The page's items are still good.
   */
  retryAfterMs?: number;
}

export interface PollRequest<TConfig extends ConnectorConfig = ConnectorConfig> {
  config: TConfig;
  cursor: string | null;
  /** Sample mode ("test the connector"): first page only, few items, nothing is saved. */
  sample?: boolean;
  signal?: AbortSignal;
}

/** A pull connector (Reddit, RSS, X, Meta). One call = one page of the source. */
export interface SignalConnector<TConfig extends ConnectorConfig = ConnectorConfig> {
  readonly source: Exclude<SignalSource, 'webhook'>;
  poll(request: PollRequest<TConfig>): Promise<PollResult>;
}

/**
 * Why a poll failed, as the workflow must react: `credentials` (401/403, expired token) and `config` (subreddit or
 * feed not found, URL refused) need a person — the connector is marked needs_attention and not retried;
 * `unavailable` (5xx, network, timeout) backs off; `rate_limited` waits for the source's reset; `quota` (a monthly
 * usage cap of the platform tier, such as X's post cap) pauses the connector with the reason: polling again before
 * the cap resets would only fail again, and recording those polls as successes would hide that nothing is read.
 */
export type ConnectorFailureKind = 'credentials' | 'config' | 'unavailable' | 'rate_limited' | 'quota';

export class ConnectorError extends Error {
  override readonly name: string;
  constructor(
    readonly kind: ConnectorFailureKind,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    // Step Functions Retry/Catch match on the error name.
    this.name = CONNECTOR_ERROR_NAMES[kind];
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

export const CONNECTOR_ERROR_NAMES: Record<ConnectorFailureKind, string> = {
  credentials: 'ConnectorCredentialsError',
  config: 'ConnectorConfigError',
  unavailable: 'ConnectorUnavailableError',
  rate_limited: 'ConnectorRateLimitedError',
  quota: 'ConnectorQuotaError',
};

/** Adds `n` to the count of `reason`. */
export function countSkip(counts: SkipCounts, reason: SkipReason, n = 1): void {
  counts[reason] = (counts[reason] ?? 0) + n;
}

/** A stored webhook signing secret (the value never leaves the server after it was shown once). */
export interface WebhookSecret {
  id: string;
  value: string;
  createdAt: string;
}

/** What the ingest workflow writes after a page was published (or failed). */
export type ConnectorProgress =
  | {
      kind: 'page';
      at: string;
      cursor: string | null;
      published: number;
      skipped: SkipCounts;
      /** Next poll time when the walk is done (caught up, page bound reached, or rate limited). */
      nextRunAt: string | null;
    }
  | {
      kind: 'failure';
      at: string;
      /** `paused`: a platform usage cap is spent; an admin resumes it once the cap reset (or the tier changed). */
      status: 'needs_attention' | 'backing_off' | 'paused';
      code: string;
      message: string;
      nextRunAt: string | null;
    };

/** Connector records (tenant-prefixed keys) and the due-index the scheduler reads. */
export interface ConnectorRepository {
  list(tenantId: TenantId, page: PageRequest): Promise<Page<Connector>>;
  get(tenantId: TenantId, connectorId: string): Promise<Connector | null>;
  /** The stored cursor (kept apart from the API view: it is internal and can be large). */
  getCursor(tenantId: TenantId, connectorId: string): Promise<string | null>;
  create(tenantId: TenantId, connector: Connector, secret: WebhookSecret | null, audit: AuditRecord): Promise<void>;
  /** Replaces the connector if its version is still `expectedVersion` (optimistic concurrency). */
  update(
    tenantId: TenantId,
    connector: Connector,
    expectedVersion: number,
    audit: AuditRecord,
    options?: { resetCursor?: boolean },
  ): Promise<void>;
  delete(tenantId: TenantId, connectorId: string, audit: AuditRecord): Promise<void>;
  /** Adds a secret and removes `revoke` ids, in one write with the audit entry. */
  rotateSecret(
    tenantId: TenantId,
    connector: Connector,
    secret: WebhookSecret,
    revoke: readonly string[],
    audit: AuditRecord,
  ): Promise<void>;
  /** Webhook lookup by connector id alone (the caller has no token, only a signature). */
  findWebhook(
    connectorId: string,
  ): Promise<{ tenantId: TenantId; connector: Connector; secrets: WebhookSecret[] } | null>;
  /** Active pull connectors whose next run is at or before `now`, oldest first. */
  listDue(now: string, limit: number): Promise<{ tenantId: TenantId; connectorId: string }[]>;
  /**
   * Claims a due connector until `leaseUntil` (moves its next run there) if it is still due: two overlapping
   * scheduler executions never poll the same connector. False when someone else claimed it or it changed.
   */
  claim(tenantId: TenantId, connectorId: string, now: string, leaseUntil: string): Promise<boolean>;
  /** Records a page or a failure; a page also saves the cursor (only ever called after the page was published). */
  recordProgress(tenantId: TenantId, connectorId: string, progress: ConnectorProgress): Promise<void>;
}

/** Platform credentials of the API sources (Secrets Manager in AWS, environment locally). */
export interface ConnectorCredentials {
  reddit: { clientId: string; clientSecret: string; userAgent: string } | null;
  x: { bearerToken: string } | null;
  /**
   * `accessToken`: a Page access token (it reads only its own Page); `appSecret`: the Meta app's secret, so every call
   * carries `appsecret_proof` (apps with "Require app secret" refuse calls without it).
   */
  meta: { accessToken: string; appSecret?: string } | null;
}

/** HTTP as the connectors need it: one request, no redirects, bounded size; tenant URLs under the outbound rules. */
export interface ConnectorHttp {
  request(
    url: string,
    init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
  ): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    /** The body read as UTF-8 (what JSON APIs send). */
    body: string;
    /** The raw body, when the client has it: feeds decode it themselves (their charset need not be UTF-8). */
    bytes?: Uint8Array;
  }>;
}
