import { lazyWarehouse, readWarehouseConfig, sharedWarehouse } from '../../adapters/warehouse/index.ts';
import { createLocalOpsStatusSource } from '../../observability/ops-status.ts';
import { logger } from '../../powertools.ts';
import { createActionHubServices } from '../actions/deps.ts';
import { createConnectorDeps } from '../connectors/deps.ts';
import { createApiApp } from './app.ts';
import { coreServices } from './core-services.ts';
import { apiRoutes } from './route-table.ts';
import type { ApiDeps } from './routes.ts';
import { config, db, httpHandler, tableStores } from './wiring.ts';

/*
 * The whole API in one function: what the local stack serves. In AWS each route group has its own, lighter function
 * (core.ts, analytics.ts, actions.ts, connectors.ts, docs.ts; cdk/constructs/api-service.ts), built from the same
 * route modules; test/infra/api-route-groups.test.ts checks that together they serve every route of this table.
 */
const deps: ApiDeps = {
  ...tableStores(),
  // Built on the first analytics request: WAREHOUSE=duckdb (default; the lake files) or snowflake.
  warehouse: lazyWarehouse(() => sharedWarehouse(readWarehouseConfig(), (line) => logger.info(line))),
  ...coreServices(),
  actionHub: createActionHubServices(db, config.TABLE_NAME),
  connectors: createConnectorDeps(),
  // The operations view probes the local emulators; in AWS the CloudWatch dashboard is the view (route answers 503).
  ops: process.env.OPS_STATUS === 'local' ? createLocalOpsStatusSource(process.env) : undefined,
};

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = httpHandler(createApiApp(deps, logger, apiRoutes(deps)), logger);
