import type { ActionEventDetail } from '../contracts/actions.ts';
import type { IntegrationKind } from '../contracts/integrations.ts';
import { hubspotTaskProperties, salesforceTask } from './crm-task.ts';

/**
 * What each integration kind receives for an action event: the body (the same shape the CDK input transformers
 * produce for API destinations) and its headers. Signing is done by the caller (HMAC needs a key and crypto).
 */
export interface IntegrationMessage {
  body: string;
  headers: Record<string, string>;
}

/** The `source` of the Action Hub's domain events on the bus. */
export const ACTION_EVENT_SOURCE = 'promptpulse.actions';

/**
 * The EventBridge rule pattern of the sync rules: the same object in CDK (cdk/constructs/action-sync.ts) and in the
 * local bus (local/event-bus/), so both route exactly the same events.
 */
export const ACTION_SYNC_EVENT_PATTERN = {
  source: [ACTION_EVENT_SOURCE],
  'detail-type': ['promptpulse.action.created', 'promptpulse.action.updated'],
} as const;

/** Header names of the signed webhook (documented in docs/actions.md). */
export const SIGNATURE_HEADER = 'x-promptpulse-signature';
export const EVENT_HEADER = 'x-promptpulse-event';
export const DELIVERY_HEADER = 'x-promptpulse-delivery';

/** The string an HMAC signature covers: `<unix seconds>.<body>` (a timestamp inside, so replays can be refused). */
export const signedContent = (timestamp: number, body: string) => `${timestamp}.${body}`;

/** Headers of a delivery (the signature is added per attempt, with a fresh timestamp). */
export function integrationHeaders(
  kind: IntegrationKind,
  eventType: string,
  deliveryId: string,
  secret: string,
): Record<string, string> {
  const common = { 'content-type': 'application/json', [EVENT_HEADER]: eventType, [DELIVERY_HEADER]: deliveryId };
  return kind === 'webhook' ? common : { ...common, authorization: `Bearer ${secret}` };
}

export function integrationMessage(
  kind: IntegrationKind,
  eventType: string,
  detail: ActionEventDetail,
  deliveryId: string,
  secret: string,
): IntegrationMessage {
  const headers = integrationHeaders(kind, eventType, deliveryId, secret);
  switch (kind) {
    case 'webhook': {
      // The rendered CRM fields are for API destinations; the webhook body stays the public action summary.
      const { crm: _crm, ...rest } = detail;
      return { body: JSON.stringify({ type: eventType, deliveryId, ...rest }), headers };
    }
    case 'hubspot':
      return { body: JSON.stringify({ properties: hubspotTaskProperties(detail.action) }), headers };
    case 'salesforce':
      return { body: JSON.stringify(salesforceTask(detail.action)), headers };
  }
}
