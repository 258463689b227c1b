import type { ActionEventDetail } from '../contracts/actions.ts';
import type { IntegrationKind } from '../contracts/integrations.ts';

/**
 * What each integration kind receives for an action event: the body (the same shape the CDK input transformers
 * produce for API destinations) and its headers. Signing is done by the caller (HMAC needs a key and crypto).
 */
export interface IntegrationMessage {
  body: string;
  headers: Record<string, string>;
}

const HUBSPOT_STATUS = { open: 'NOT_STARTED', in_progress: 'IN_PROGRESS', done: 'COMPLETED', dismissed: 'DEFERRED' };
const SALESFORCE_STATUS = { open: 'Not Started', in_progress: 'In Progress', done: 'Completed', dismissed: 'Deferred' };
const HUBSPOT_PRIORITY = { high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };
const SALESFORCE_PRIORITY = { high: 'High', medium: 'Normal', low: 'Low' };

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
  const a = detail.action;
  const headers = integrationHeaders(kind, eventType, deliveryId, secret);
  const description = `${a.rationale}\n\nPriority ${a.priority} (${a.urgency} urgency). ${a.url}`;
  switch (kind) {
    case 'webhook':
      return { body: JSON.stringify({ type: eventType, deliveryId, ...detail }), headers };
    case 'hubspot':
      return {
        body: JSON.stringify({
          properties: {
            hs_task_subject: a.title,
            hs_task_body: description,
            hs_task_status: HUBSPOT_STATUS[a.status],
            hs_task_priority: HUBSPOT_PRIORITY[a.urgency],
            hs_task_type: 'TODO',
            hs_timestamp: a.dueDate ? `${a.dueDate}T12:00:00.000Z` : a.updatedAt,
            promptpulse_action_id: a.id,
          },
        }),
        headers,
      };
    case 'salesforce':
      return {
        body: JSON.stringify({
          Subject: a.title.slice(0, 255),
          Description: description,
          Status: SALESFORCE_STATUS[a.status],
          Priority: SALESFORCE_PRIORITY[a.urgency],
          ActivityDate: a.dueDate,
          PromptPulse_Action_Id__c: a.id,
        }),
        headers,
      };
  }
}
