import { lazyWarehouse, readWarehouseConfig, sharedWarehouse } from '../../adapters/warehouse/index.ts';
import { logger } from '../../powertools.ts';
import { createApiApp } from './app.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { drilldownRoutes } from './routes/drilldown.ts';
import { httpHandler, tableStores } from './wiring.ts';

/**
 * The analytics function in AWS: the warehouse queries and the prompt drill-down. The
 * warehouse drivers are installed next to the bundle and imported on the first query (WAREHOUSE=duckdb over the
 * lake's files, or snowflake).
 */
const deps = {
  ...tableStores(),
  warehouse: lazyWarehouse(() => sharedWarehouse(readWarehouseConfig(), (line) => logger.info(line))),
};

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = httpHandler(
  createApiApp(deps, logger, [...analyticsRoutes(deps), ...drilldownRoutes(deps)]),
  logger,
);
