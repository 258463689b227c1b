import { logger } from '../../powertools.ts';
import { createActionHubServices } from '../actions/deps.ts';
import { createApiApp } from './app.ts';
import { type ActionGroupDeps, actionGroupRoutes } from './groups/actions.ts';
import { config, db, httpHandler, tableStores } from './wiring.ts';

/** The Action Hub function in AWS: `/actions*`, `/brands/{brandId}/actions/generate` and `/integrations*`. */
const deps: ActionGroupDeps = { ...tableStores(), actionHub: createActionHubServices(db, config.TABLE_NAME) };

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = httpHandler(createApiApp(deps, logger, actionGroupRoutes(deps)), logger);
