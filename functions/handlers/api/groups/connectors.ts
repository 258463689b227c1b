import { type ConnectorRouteDeps, connectorRoutes } from '../routes/connectors.ts';
import { webhookRoutes } from '../routes/webhooks.ts';
import type { RouteDefinition } from '../routes.ts';

/** The connector group: connector administration and the signed inbound webhooks. */
export function connectorGroupRoutes(deps: ConnectorRouteDeps): RouteDefinition[] {
  return [...connectorRoutes(deps), ...webhookRoutes(deps)];
}
