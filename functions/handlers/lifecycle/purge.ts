import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { purgeDueWorkspaces } from '#shared/use-cases/workspace-lifecycle.ts';
import { createDocumentClient, createS3Client } from '../../adapters/aws/clients.ts';
import { CognitoUserDirectory, createCognitoClient } from '../../adapters/aws/cognito-user-directory.ts';
import { DynamoDbTenantItems, DynamoDbWorkspaceDeletionLedger } from '../../adapters/aws/dynamodb-tenant-lifecycle.ts';
import { S3TenantObjects } from '../../adapters/aws/s3-tenant-objects.ts';
import { systemClock } from '../../adapters/system.ts';
import { purgeWarehouseRows, readWarehouseConfig } from '../../adapters/warehouse/index.ts';
import { ConfigError, readBaseConfig, readDirectoryConfig } from '../../config.ts';
import { observed } from '../../middleware/observability.ts';
import { pickCorrelationId } from '../../observability/correlation.ts';
import { logger, tracer } from '../../powertools.ts';

const config = readBaseConfig();
const db = tracer.captureAWSv3Client(createDocumentClient(config));
if (!config.LAKE_BUCKET) throw new ConfigError('LAKE_BUCKET is required to purge raw answers and lake files');
const directoryConfig = readDirectoryConfig();

/** The purge job's dependencies (the Lambda and the local stack's timer). */
export const purgeDeps = {
  deletions: new DynamoDbWorkspaceDeletionLedger(db, config.TABLE_NAME),
  items: new DynamoDbTenantItems(db, config.TABLE_NAME),
  objects: new S3TenantObjects(tracer.captureAWSv3Client(createS3Client(config)), config.LAKE_BUCKET),
  warehouse: {
    deleteAll: (tenantId: string) => purgeWarehouseRows(readWarehouseConfig(), tenantId, (line) => logger.info(line)),
  },
  directory: new CognitoUserDirectory(
    tracer.captureAWSv3Client(createCognitoClient(directoryConfig)),
    directoryConfig.USER_POOL_ID,
  ),
  clock: systemClock,
};

/** Purges every workspace whose grace period ended; an interrupted purge resumes at its saved step next time. */
export const purgeDue = async () => {
  const result = await purgeDueWorkspaces(purgeDeps);
  if (result.purged.length > 0 || result.failed.length > 0) logger.info('Workspace purge', { ...result });
  if (result.failed.length > 0) throw new Error(`${result.failed.length} workspace purge(s) will resume next hour`);
  return result;
};

/** EventBridge Scheduler target, hourly. */
export const handler = middy(
  observed((event: { id?: string } | undefined) => pickCorrelationId(event?.id), purgeDue),
).use(injectLambdaContext(logger));
