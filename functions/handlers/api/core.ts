import { logger } from '../../powertools.ts';
import { createApiApp } from './app.ts';
import { coreServices } from './core-services.ts';
import { type CoreRouteDeps, coreRoutes } from './routes.ts';
import { httpHandler, tableStores } from './wiring.ts';

/*
 * The `api` function in AWS: the core routes (workspaces, brands, prompt sets, runs, metrics, members, audit,
 * signals). The HTTP API's catch-all route; the analytics, Action Hub and connector groups have their own functions.
 */
const deps: CoreRouteDeps = {
  ...tableStores(),
  ...coreServices(),
};

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = httpHandler(createApiApp(deps, logger, coreRoutes(deps)), logger);
