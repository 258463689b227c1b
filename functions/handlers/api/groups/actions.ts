import { type ActionRouteDeps, actionRoutes } from '../routes/actions.ts';
import { integrationRoutes } from '../routes/integrations.ts';
import type { RouteDefinition } from '../routes.ts';

export type ActionGroupDeps = ActionRouteDeps;

/** The Action Hub group: actions, their lifecycle and outcomes, and the CRM integrations they sync to. */
export function actionGroupRoutes(deps: ActionGroupDeps): RouteDefinition[] {
  return [...actionRoutes(deps), ...integrationRoutes(deps)];
}
