import { crmTaskFields, isApiDestinationKind } from '../actions/crm-task.ts';
import type { ActionEventDetail } from '../contracts/actions.ts';
import type { Delivery, Integration, IntegrationInput, IntegrationUpdate } from '../contracts/integrations.ts';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../domain/errors.ts';
import { prefixedId } from '../domain/ids.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { TenantId } from '../domain/workspace.ts';
import type {
  ActionBusEvent,
  ActionRepository,
  IntegrationRecord,
  IntegrationRepository,
  MessageSigner,
  OutboundUrlValidator,
  WebhookSender,
} from '../ports/actions.ts';
import type { ApiDestinationProvisioner } from '../ports/api-destinations.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import { auditEntry, changesBetween } from './audit.ts';
import { attemptDelivery, newDelivery } from './integration-deliveries.ts';

export interface RetryPolicy {
  /** Attempts in all (the first included). @default 4 */
  maxAttempts: number;
  /** Wait before retry k (1-based) = base × 2^(k-1), capped. @default 1000 / 30000 ms */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };

export { attemptDelivery, backoffDelay, newDelivery } from './integration-deliveries.ts';

export interface IntegrationDeps {
  integrations: IntegrationRepository;
  actions: ActionRepository;
  urls: OutboundUrlValidator;
  sender: WebhookSender;
  signer: MessageSigner;
  clock: Clock;
  ids: IdGenerator;
  sleep?: (ms: number) => Promise<void>;
  /**
   * When set, HubSpot / Salesforce integrations are delivered by EventBridge API destinations: each one's
   * connection, destination and rule are provisioned on create / update / delete, and {@link deliverEvent} (the
   * Lambda path) leaves them out. Signed webhooks, test events and re-drives keep the Lambda path.
   */
  destinations?: ApiDestinationProvisioner | undefined;
  /** HubSpot / Salesforce are delivered by API destinations (set where the provisioner is, and in the Lambda path). */
  apiDestinations?: boolean | undefined;
  /** At most this many integrations per workspace. @default 10 */
  maxIntegrations?: number;
}

const MAX_INTEGRATIONS = 10;

/** The API view: everything but the secret (only its last four characters). */
export function toView(record: IntegrationRecord): Integration {
  const { secret: _secret, ...view } = record;
  return view;
}
const hint = (secret: string) => `…${secret.slice(-4)}`;

export async function listIntegrations(deps: Pick<IntegrationDeps, 'integrations'>, tenant: TenantPrincipal) {
  return (await deps.integrations.list(tenant.tenantId)).map(toView);
}

export async function getIntegrationOrThrow(
  deps: Pick<IntegrationDeps, 'integrations'>,
  tenantId: TenantId,
  integrationId: string,
): Promise<IntegrationRecord> {
  const found = await deps.integrations.get(tenantId, integrationId);
  if (!found) throw new NotFoundError('Integration not found', { code: 'integration_not_found' });
  return found;
}

/** Creates an integration after checking its URL (https, public addresses after DNS; the field is named on error). */
export async function createIntegration(
  deps: IntegrationDeps,
  tenant: TenantPrincipal,
  input: IntegrationInput,
): Promise<Integration> {
  await deps.urls.assertAllowed(input.url, 'url');
  const existing = await deps.integrations.list(tenant.tenantId);
  if (existing.length >= (deps.maxIntegrations ?? MAX_INTEGRATIONS)) {
    throw new ConflictError(`A workspace has at most ${deps.maxIntegrations ?? MAX_INTEGRATIONS} integrations`, {
      code: 'plan_limit_reached',
    });
  }
  const at = deps.clock.now().toISOString();
  const record: IntegrationRecord = {
    id: prefixedId('int', deps.ids.next()),
    name: input.name,
    kind: input.kind,
    url: input.url,
    events: [...new Set(input.events)],
    enabled: input.enabled,
    secret: input.secret,
    secretHint: hint(input.secret),
    lastDelivery: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const provisioned = deps.destinations && isApiDestinationKind(record.kind) ? deps.destinations : null;
  // The bus side first: an integration is never stored without its delivery; a failed store takes it back down.
  await provisioned?.upsert(tenant.tenantId, record);
  try {
    await deps.integrations.create(
      tenant.tenantId,
      record,
      auditEntry(deps, tenant, {
        action: 'integration.created',
        target: { type: 'integration', id: record.id },
        summary: `Integration “${record.name}” (${record.kind}) created`,
      }),
    );
  } catch (error) {
    await provisioned?.remove(tenant.tenantId, record.id).catch(() => {});
    throw error;
  }
  return toView(record);
}

export async function updateIntegration(
  deps: IntegrationDeps,
  tenant: TenantPrincipal,
  integrationId: string,
  expectedVersion: number,
  input: IntegrationUpdate,
): Promise<Integration> {
  const current = await getIntegrationOrThrow(deps, tenant.tenantId, integrationId);
  if (current.version !== expectedVersion) {
    throw new PreconditionFailedError('The integration changed since you loaded it; reload and try again', {
      details: { currentVersion: current.version },
    });
  }
  await deps.urls.assertAllowed(input.url, 'url');
  const secret = input.secret ?? current.secret;
  const next: IntegrationRecord = {
    ...current,
    name: input.name,
    kind: input.kind,
    url: input.url,
    events: [...new Set(input.events)],
    enabled: input.enabled,
    secret,
    secretHint: hint(secret),
    updatedAt: deps.clock.now().toISOString(),
    version: current.version + 1,
  };
  const changes = changesBetween(toView(current), toView(next), [
    'name',
    'kind',
    'url',
    'events',
    'enabled',
    'secretHint',
  ]);
  await deps.integrations.update(
    tenant.tenantId,
    next,
    auditEntry(deps, tenant, {
      action: 'integration.updated',
      target: { type: 'integration', id: next.id },
      summary: `Integration “${next.name}” updated`,
      changes: changes.map((c) => (c.field === 'secretHint' ? { field: 'secret', before: '…', after: 'changed' } : c)),
    }),
  );
  await syncDestination(deps, tenant.tenantId, current, next);
  return toView(next);
}

export async function deleteIntegration(
  deps: IntegrationDeps,
  tenant: TenantPrincipal,
  integrationId: string,
  expectedVersion: number,
) {
  const current = await getIntegrationOrThrow(deps, tenant.tenantId, integrationId);
  await deps.integrations.delete(
    tenant.tenantId,
    integrationId,
    expectedVersion,
    auditEntry(deps, tenant, {
      action: 'integration.deleted',
      target: { type: 'integration', id: integrationId },
      summary: `Integration “${current.name}” deleted`,
    }),
  );
  await syncDestination(deps, tenant.tenantId, current, null);
}

/** Brings the API destination of an integration in line with its new state (kind changed, updated or deleted). */
async function syncDestination(
  deps: Pick<IntegrationDeps, 'destinations'>,
  tenantId: TenantId,
  before: IntegrationRecord,
  after: IntegrationRecord | null,
) {
  if (!deps.destinations) return;
  if (after && isApiDestinationKind(after.kind)) await deps.destinations.upsert(tenantId, after);
  else if (isApiDestinationKind(before.kind)) await deps.destinations.remove(tenantId, before.id);
}

/**
 * The integrations of a tenant that subscribe to an event (enabled ones only) and that the Lambda path delivers
 * (not those EventBridge delivers itself through their API destination).
 */
export async function subscribersOf(
  deps: Pick<IntegrationDeps, 'integrations' | 'apiDestinations'>,
  tenantId: TenantId,
  event: ActionBusEvent,
) {
  const short = event.type.replace(/^promptpulse\./, '');
  return (await deps.integrations.list(tenantId)).filter(
    (i) =>
      i.enabled && (i.events as string[]).includes(short) && !(deps.apiDestinations && isApiDestinationKind(i.kind)),
  );
}

/** A made-up action event for "send test event". */
function testEvent(tenantId: string, at: string): ActionBusEvent {
  const detail: ActionEventDetail = {
    tenantId,
    action: {
      id: 'act_test',
      brandId: 'brd_test',
      type: 'content_gap',
      title: 'PromptPulse test event',
      rationale: 'A test delivery sent from Admin › Integrations. No action exists behind it.',
      status: 'open',
      priority: 50,
      urgency: 'low',
      owner: null,
      dueDate: null,
      url: 'https://promptpulse.invalid/actions',
      updatedAt: at,
      version: 1,
    },
    change: 'test',
  };
  return { type: 'promptpulse.action.created', detail: { ...detail, crm: crmTaskFields(detail.action) } };
}

/** "Send test event": one attempt, now, recorded in the delivery log; returns the delivery. */
export async function sendTestEvent(deps: IntegrationDeps, tenant: TenantPrincipal, integrationId: string) {
  const integration = await getIntegrationOrThrow(deps, tenant.tenantId, integrationId);
  await deps.urls.assertAllowed(integration.url, 'url');
  const delivery = await newDelivery(
    deps,
    tenant.tenantId,
    integration,
    testEvent(tenant.tenantId, deps.clock.now().toISOString()),
    true,
  );
  return attemptDelivery(deps, tenant.tenantId, integration, delivery, { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 });
}

/** Re-drives a dead-lettered delivery: one more attempt now with the same body (re-signed). */
export async function redriveDelivery(
  deps: IntegrationDeps,
  tenant: TenantPrincipal,
  integrationId: string,
  deliveryId: string,
) {
  const integration = await getIntegrationOrThrow(deps, tenant.tenantId, integrationId);
  const delivery = await deps.integrations.getDelivery(tenant.tenantId, integrationId, deliveryId);
  if (!delivery) throw new NotFoundError('Delivery not found', { code: 'delivery_not_found' });
  if (delivery.status !== 'dead_lettered') {
    throw new ConflictError('Only dead-lettered deliveries can be re-driven', { code: 'not_dead_lettered' });
  }
  return attemptDelivery(
    deps,
    tenant.tenantId,
    integration,
    { ...delivery, status: 'pending' },
    { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 },
  );
}

export async function listDeliveries(
  deps: Pick<IntegrationDeps, 'integrations'>,
  tenant: TenantPrincipal,
  integrationId: string,
  query: PageRequest & { status?: Delivery['status'] | undefined },
): Promise<Page<Delivery>> {
  await getIntegrationOrThrow(deps, tenant.tenantId, integrationId);
  const page = await deps.integrations.listDeliveries(tenant.tenantId, integrationId, query);
  return query.status ? { ...page, items: page.items.filter((d) => d.status === query.status) } : page;
}

/**
 * What the bus does with an action event (the local bus; API destinations in AWS): a delivery per subscribed
 * integration, each attempted with retries and backoff, ending delivered or dead-lettered.
 */
export async function deliverEvent(
  deps: IntegrationDeps,
  tenantId: TenantId,
  event: ActionBusEvent,
  policy: RetryPolicy,
) {
  const targets = await subscribersOf(deps, tenantId, event);
  return Promise.all(
    targets.map(async (integration) => {
      const delivery = await newDelivery(deps, tenantId, integration, event);
      return attemptDelivery(deps, tenantId, integration, delivery, policy);
    }),
  );
}
