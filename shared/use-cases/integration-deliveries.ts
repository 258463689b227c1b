import { integrationHeaders, integrationMessage, SIGNATURE_HEADER, signedContent } from '../actions/payloads.ts';
import type { Delivery } from '../contracts/integrations.ts';
import { prefixedId } from '../domain/ids.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { ActionBusEvent, IntegrationRecord } from '../ports/actions.ts';
import type { IntegrationDeps, RetryPolicy } from './integrations.ts';

/** Deliveries on the Lambda path: one record per event and integration, attempted with retries and backoff. */

/** Wait before retry `attempt` (1 = the first retry): exponential, capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** 408, 429 and 5xx (and no answer at all) are worth retrying; any other 4xx will fail the same way again. */
const retryable = (status: number | null) => status === null || status === 408 || status === 429 || status >= 500;

function signedMessage(
  deps: Pick<IntegrationDeps, 'signer' | 'clock'>,
  integration: IntegrationRecord,
  event: ActionBusEvent,
  deliveryId: string,
) {
  const shortType = event.type.replace(/^promptpulse\./, '');
  const message = integrationMessage(integration.kind, shortType, event.detail, deliveryId, integration.secret);
  return { ...message, shortType };
}

function sign(
  deps: Pick<IntegrationDeps, 'signer' | 'clock'>,
  secret: string,
  body: string,
  headers: Record<string, string>,
) {
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  return {
    ...headers,
    [SIGNATURE_HEADER]: `t=${timestamp},v1=${deps.signer.hmacSha256Hex(secret, signedContent(timestamp, body))}`,
  };
}

/**
 * Attempts a delivery until it succeeds, fails permanently, or runs out of attempts (waiting with exponential
 * backoff between tries), recording every attempt. What is left failing ends `dead_lettered` with the reason.
 * The action's sync status for this integration follows along.
 */
export async function attemptDelivery(
  deps: IntegrationDeps,
  tenantId: TenantId,
  integration: IntegrationRecord,
  delivery: Delivery,
  policy: RetryPolicy,
): Promise<Delivery> {
  let current = delivery;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const baseHeaders = integrationHeaders(integration.kind, delivery.eventType, delivery.id, integration.secret);
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (attempt > 1) await sleep(backoffDelay(policy, attempt - 1));
    const headers = sign(deps, integration.secret, current.body, baseHeaders);
    const response = await deps.sender.post(integration.url, headers, current.body);
    const at = deps.clock.now().toISOString();
    const ok = response.httpStatus !== null && response.httpStatus >= 200 && response.httpStatus < 300;
    const error = ok ? null : (response.error ?? `HTTP ${response.httpStatus}`);
    const attempts = [
      ...current.attempts,
      { at, httpStatus: response.httpStatus, error, durationMs: response.durationMs },
    ];
    const last = attempt === policy.maxAttempts;
    const permanent = !ok && !retryable(response.httpStatus);
    const status: Delivery['status'] = ok ? 'delivered' : permanent || last ? 'dead_lettered' : 'retrying';
    const reason =
      status === 'dead_lettered'
        ? permanent
          ? `Refused by the endpoint: ${error}`
          : `Gave up after ${attempts.length} attempt${attempts.length === 1 ? '' : 's'}: ${error}`
        : null;
    current = { ...current, status, attempts, reason, updatedAt: at };
    await recordDelivery(deps, tenantId, integration, current);
    if (status !== 'retrying') break;
  }
  return current;
}

async function recordDelivery(
  deps: Pick<IntegrationDeps, 'integrations' | 'actions'>,
  tenantId: TenantId,
  integration: IntegrationRecord,
  delivery: Delivery,
) {
  await deps.integrations.putDelivery(tenantId, delivery);
  if (delivery.actionId && !delivery.test) {
    await deps.actions.putSync(tenantId, delivery.actionId, {
      integrationId: integration.id,
      integrationName: integration.name,
      status: delivery.status,
      attempts: delivery.attempts.length,
      lastEventType: delivery.eventType,
      at: delivery.updatedAt,
      error: delivery.reason ?? delivery.attempts.at(-1)?.error ?? null,
    });
  }
}

/** A new delivery record of an event to an integration (status pending, nothing sent yet). */
export async function newDelivery(
  deps: IntegrationDeps,
  tenantId: TenantId,
  integration: IntegrationRecord,
  event: ActionBusEvent,
  test = false,
): Promise<Delivery> {
  const id = prefixedId('dlv', deps.ids.next());
  const message = signedMessage(deps, integration, event, id);
  const at = deps.clock.now().toISOString();
  const delivery: Delivery = {
    id,
    integrationId: integration.id,
    actionId: test ? null : event.detail.action.id,
    eventType: message.shortType,
    test,
    status: 'pending',
    attempts: [],
    reason: null,
    body: message.body,
    createdAt: at,
    updatedAt: at,
  };
  await recordDelivery(deps, tenantId, integration, delivery);
  return delivery;
}
