import type { ActionEventDetail } from '../contracts/actions.ts';
import type { IntegrationEvent, IntegrationKind } from '../contracts/integrations.ts';

/**
 * The CRM task bodies, one source of truth for both delivery paths: the Lambda path (shared/actions/payloads.ts
 * `integrationMessage`) sends them as they are; EventBridge API destinations cannot compute (no value mapping, no
 * string concatenation in an input transformer), so every action event carries the rendered fields in
 * `detail.crm` and the input transformers below only place them — the same fields, the same values.
 */
const HUBSPOT_STATUS = { open: 'NOT_STARTED', in_progress: 'IN_PROGRESS', done: 'COMPLETED', dismissed: 'DEFERRED' };
const SALESFORCE_STATUS = { open: 'Not Started', in_progress: 'In Progress', done: 'Completed', dismissed: 'Deferred' };
const HUBSPOT_PRIORITY = { high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };
const SALESFORCE_PRIORITY = { high: 'High', medium: 'Normal', low: 'Low' };

type Action = ActionEventDetail['action'];
const description = (a: Action) => `${a.rationale}\n\nPriority ${a.priority} (${a.urgency} urgency). ${a.url}`;

/** HubSpot CRM v3 task `properties`. */
export function hubspotTaskProperties(a: Action) {
  return {
    hs_task_subject: a.title,
    hs_task_body: description(a),
    hs_task_status: HUBSPOT_STATUS[a.status],
    hs_task_priority: HUBSPOT_PRIORITY[a.urgency],
    hs_task_type: 'TODO',
    hs_timestamp: a.dueDate ? `${a.dueDate}T12:00:00.000Z` : a.updatedAt,
    promptpulse_action_id: a.id,
  };
}

/** Salesforce `sobjects/Task` fields. */
export function salesforceTask(a: Action) {
  return {
    Subject: a.title.slice(0, 255),
    Description: description(a),
    Status: SALESFORCE_STATUS[a.status],
    Priority: SALESFORCE_PRIORITY[a.urgency],
    ActivityDate: a.dueDate,
    PromptPulse_Action_Id__c: a.id,
  };
}

export type CrmTaskFields = {
  hubspot: ReturnType<typeof hubspotTaskProperties>;
  salesforce: ReturnType<typeof salesforceTask>;
};

/** What `detail.crm` of an action event holds. */
export function crmTaskFields(a: Action): CrmTaskFields {
  return { hubspot: hubspotTaskProperties(a), salesforce: salesforceTask(a) };
}

/** Integration kinds EventBridge delivers itself through an API destination when provisioning is on. */
export const API_DESTINATION_KINDS: readonly IntegrationKind[] = ['hubspot', 'salesforce'];
export const isApiDestinationKind = (kind: IntegrationKind) => API_DESTINATION_KINDS.includes(kind);

/** Prefix of every connection, API destination and rule name (IAM policies are scoped to it). */
export const API_DESTINATION_NAME_PREFIX = 'ppcrm-';

/**
 * The name of an integration's connection, API destination and rule (three separate namespaces): the prefix, the
 * tenant's and the integration's ULIDs — 59 characters of `[a-z0-9-]`, inside EventBridge's 64 and
 * `[\.\-_A-Za-z0-9]+`.
 */
export function apiDestinationName(tenantId: string, integrationId: string): string {
  const ulid = (id: string) => id.slice(id.indexOf('_') + 1);
  const name = `${API_DESTINATION_NAME_PREFIX}${ulid(tenantId)}-${ulid(integrationId)}`;
  if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) throw new Error(`Not a valid EventBridge name: ${name}`);
  return name;
}

/** The rule pattern of one integration: its subscribed action events of its tenant only. */
export function apiDestinationEventPattern(source: string, tenantId: string, events: readonly IntegrationEvent[]) {
  return {
    source: [source],
    'detail-type': events.map((e) => `promptpulse.${e}`),
    detail: { tenantId: [tenantId] },
  };
}

export interface InputTransformerSpec {
  InputPathsMap: Record<string, string>;
  InputTemplate: string;
}

/**
 * The input transformer of a kind: every field of the body taken from `detail.crm.<kind>` by an unquoted
 * placeholder (EventBridge inserts the JSON value: strings quoted and escaped, null as null).
 */
export function apiDestinationInputTransformer(kind: 'hubspot' | 'salesforce'): InputTransformerSpec {
  const sample: Action = {
    id: 'a',
    brandId: 'b',
    type: 'content_gap',
    title: 't',
    rationale: 'r',
    status: 'open',
    priority: 1,
    urgency: 'low',
    owner: null,
    dueDate: null,
    url: 'u',
    updatedAt: 'x',
    version: 1,
  };
  const fields = Object.keys(crmTaskFields(sample)[kind]);
  const InputPathsMap = Object.fromEntries(fields.map((f) => [f, `$.detail.crm.${kind}.${f}`]));
  const object = `{${fields.map((f) => `${JSON.stringify(f)}:<${f}>`).join(',')}}`;
  return { InputPathsMap, InputTemplate: kind === 'hubspot' ? `{"properties":${object}}` : object };
}
