import type { Action, ActionEventDetail, ActionEventType, SyncStatus } from '../contracts/actions.ts';
import type { AuditEntry } from '../contracts/audit.ts';
import type { Delivery, Integration } from '../contracts/integrations.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { Page, PageRequest } from './pagination.ts';

/** Actions of a tenant. Writes are conditional on the version read; audit entries go in the same transaction. */
export interface ActionRepository {
  /** Every action of one brand, any status (the engine reconciles against all of them). */
  listForBrand(tenantId: TenantId, brandId: string): Promise<Action[]>;
  /** Every action of the tenant (lists are filtered and sorted by the use case; a tenant has hundreds at most). */
  listAll(tenantId: TenantId): Promise<Action[]>;
  get(tenantId: TenantId, actionId: string): Promise<Action | null>;
  create(tenantId: TenantId, action: Action, audit: AuditEntry | null): Promise<void>;
  /** @throws PreconditionFailedError when the stored version is not `action.version - 1`. */
  update(tenantId: TenantId, action: Action, audit: AuditEntry | null): Promise<void>;
  /** Last sync result of the action per integration. */
  listSync(tenantId: TenantId, actionId: string): Promise<SyncStatus[]>;
  putSync(tenantId: TenantId, actionId: string, status: SyncStatus): Promise<void>;
}

/** An integration with its write-only secret (never leaves the server). */
export interface IntegrationRecord extends Integration {
  secret: string;
}

export interface IntegrationRepository {
  list(tenantId: TenantId): Promise<IntegrationRecord[]>;
  get(tenantId: TenantId, integrationId: string): Promise<IntegrationRecord | null>;
  create(tenantId: TenantId, integration: IntegrationRecord, audit: AuditEntry): Promise<void>;
  /** @throws PreconditionFailedError when the stored version is not `integration.version - 1`. */
  update(tenantId: TenantId, integration: IntegrationRecord, audit: AuditEntry | null): Promise<void>;
  delete(tenantId: TenantId, integrationId: string, expectedVersion: number, audit: AuditEntry): Promise<void>;
  /** Stores (or replaces, by id) a delivery record. */
  putDelivery(tenantId: TenantId, delivery: Delivery): Promise<void>;
  getDelivery(tenantId: TenantId, integrationId: string, deliveryId: string): Promise<Delivery | null>;
  /** Newest first. */
  listDeliveries(tenantId: TenantId, integrationId: string, page: PageRequest): Promise<Page<Delivery>>;
}

/** One domain event for the bus. */
export interface ActionBusEvent {
  type: ActionEventType;
  detail: ActionEventDetail;
}

/** The EventBridge bus that carries `action.created` / `action.updated` (API destinations subscribe in AWS). */
export interface ActionEventBus {
  publish(events: readonly ActionBusEvent[]): Promise<void>;
}

/** The result of one outbound POST; `error` set when no HTTP answer came back (refused, network, timeout). */
export interface WebhookResponse {
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/** Sends one POST to a tenant-configured URL under the outbound rules (docs/security.md). Never throws. */
export interface WebhookSender {
  post(url: string, headers: Record<string, string>, body: string): Promise<WebhookResponse>;
}

/** Validates a tenant-supplied URL (https, public addresses after DNS). @throws ValidationError naming `field`. */
export interface OutboundUrlValidator {
  assertAllowed(url: string, field: string): Promise<void>;
}

/** HMAC-SHA256 of a string, hex. */
export interface MessageSigner {
  hmacSha256Hex(secret: string, content: string): string;
}
