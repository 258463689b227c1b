import type { TenantId } from '../domain/workspace.ts';
import type { IntegrationRecord } from './actions.ts';

/**
 * Provisions the EventBridge side of a HubSpot / Salesforce integration (docs/actions.md#api-destinations): its own
 * connection (the bearer token held by EventBridge), API destination (endpoint, rate limit), a rule on the actions
 * bus matching that tenant's subscribed action events, and a target whose input transformer shapes the CRM task,
 * with a retry policy and a dead-letter queue. Both calls are idempotent.
 */
export interface ApiDestinationProvisioner {
  /** Creates or updates everything for the integration (the rule disabled while the integration is). */
  upsert(tenantId: TenantId, integration: IntegrationRecord): Promise<void>;
  /** Removes target, rule, API destination and connection; what is already gone is skipped. */
  remove(tenantId: TenantId, integrationId: string): Promise<void>;
}
