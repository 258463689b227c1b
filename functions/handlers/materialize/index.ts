import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lazyWarehouse, readWarehouseConfig, sharedWarehouse } from '../../adapters/warehouse/index.ts';
import { SnowflakeLoginNotSetError } from '../../adapters/warehouse/snowflake-key.ts';
import { logger } from '../../powertools.ts';
import { createMaterializeHandler } from './materialize.ts';
import { createMigrateHandler, isSchemaResourceEvent } from './migrate.ts';

const config = readWarehouseConfig();
const warehouse = lazyWarehouse(() => sharedWarehouse(config, (line) => logger.info(line)));
const log = (message: string, details: Record<string, unknown>) => logger.info(message, details);
const materialize = createMaterializeHandler({ warehouse, now: () => new Date(), log });
const migrate = createMigrateHandler({
  warehouse,
  isLoginNotSet: (error) => error instanceof SnowflakeLoginNotSetError,
  log,
});

/**
 * Lambda entry point of the warehouse job: the hourly materialization (EventBridge rule), and the schema migration
 * at deploy (the `WarehouseSchema` custom resource's events, through the CDK Provider framework).
 */
export const handler = middy(async (event: unknown) =>
  isSchemaResourceEvent(event) ? migrate(event) : materialize(),
).use(injectLambdaContext(logger));
