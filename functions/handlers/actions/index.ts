import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { KinesisStreamEvent } from 'aws-lambda';
import { isTenantId, type TenantId } from '#shared/domain/workspace.ts';
import type { EngineRunDeps } from '#shared/use-cases/actions.ts';
import { createDocumentClient } from '../../adapters/aws/clients.ts';
import { DynamoDbRollupProgress } from '../../adapters/aws/dynamodb-action-rollup-progress.ts';
import { DynamoDbBrandRepository } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbRollupStore } from '../../adapters/aws/dynamodb-rollup-store.ts';
import { DynamoDbRunRepository } from '../../adapters/aws/dynamodb-run-repository.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { readBaseConfig } from '../../config.ts';
import { logger, tracer } from '../../powertools.ts';
import { runDailyActions } from './daily.ts';
import { createActionHubServices } from './deps.ts';
import { createEngineTrigger } from './engine-trigger.ts';

// Cold start: configuration and clients once.
const config = readBaseConfig();
const db = tracer.captureAWSv3Client(createDocumentClient(config));
const deps: EngineRunDeps = {
  ...createActionHubServices(db, config.TABLE_NAME),
  brands: new DynamoDbBrandRepository(db, config.TABLE_NAME),
  runs: new DynamoDbRunRepository(db, config.TABLE_NAME),
  rollups: new DynamoDbRollupStore(db, config.TABLE_NAME),
  workspaces: new DynamoDbWorkspaceRepository(db, config.TABLE_NAME),
  clock: systemClock,
  ids: ulidGenerator,
};
const progress = new DynamoDbRollupProgress(db, config.TABLE_NAME);
const trigger = createEngineTrigger({
  ...deps,
  isCounted: (tenantId, eventId) => progress.isCounted(tenantId, eventId),
  log: {
    info: (message, details) => logger.info(message, details),
    error: (message, details) => logger.error(message, details),
  },
});

/** Kinesis consumer (its own event source mapping): runs the engine after each completed run. */
export const streamHandler = middy(async (event: KinesisStreamEvent) => trigger(event)).use(
  injectLambdaContext(logger),
);

/**
 * Tenants with scheduled brands (the scheduler's `SCHEDULE` index: `<nextRunAt>#<tenantId>#<brandId>`); brands
 * without a schedule get the engine after each of their runs instead.
 */
async function scheduledTenants(): Promise<TenantId[]> {
  const tenants = new Set<TenantId>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: config.TABLE_NAME,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'SCHEDULE' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const tenantId = String(item.gsi1sk ?? '').split('#')[1];
      if (isTenantId(tenantId)) tenants.add(tenantId);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return [...tenants];
}

/** EventBridge Scheduler, daily: refresh every scheduled brand's actions and decide due outcomes. */
export const dailyHandler = middy(async () =>
  runDailyActions(deps, await scheduledTenants(), (line) => logger.warn(line)),
).use(injectLambdaContext(logger));
