import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lazyWarehouse, readWarehouseConfig, sharedWarehouse } from '../../adapters/warehouse/index.ts';
import { logger } from '../../powertools.ts';
import { createMaterializeHandler } from './materialize.ts';

const config = readWarehouseConfig();
const materialize = createMaterializeHandler({
  warehouse: lazyWarehouse(() => sharedWarehouse(config, (line) => logger.info(line))),
  now: () => new Date(),
  log: (message, details) => logger.info(message, details),
});

/** Lambda entry point of the scheduled warehouse materialization (EventBridge rule, hourly). */
export const handler = middy(async () => materialize()).use(injectLambdaContext(logger));
