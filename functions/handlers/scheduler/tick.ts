import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { runDueSchedules } from '#shared/use-cases/schedules.ts';
import { createDocumentClient, createSfnClient } from '../../adapters/aws/clients.ts';
import { DynamoDbBrandRepository, DynamoDbScheduleIndex } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbModelCatalogueStore } from '../../adapters/aws/dynamodb-model-catalogue.ts';
import { DynamoDbRunRepository } from '../../adapters/aws/dynamodb-run-repository.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { SfnWorkflowStarter } from '../../adapters/aws/sfn-workflow-starter.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { readBaseConfig, readWorkflowConfig } from '../../config.ts';
import { observed } from '../../middleware/observability.ts';
import { pickCorrelationId } from '../../observability/correlation.ts';
import { BUSINESS_METRICS } from '../../observability/metric-names.ts';
import { countMetric } from '../../observability/metrics.ts';
import { logger, tracer } from '../../powertools.ts';

/** The refusal code of `assertWithinSpendCaps` (shared/domain/runs.ts). */
const SPEND_CAP_EXCEEDED = 'spend_cap_exceeded';

const config = readBaseConfig();
const workflowConfig = readWorkflowConfig();
const db = tracer.captureAWSv3Client(createDocumentClient(config));
const runs = new DynamoDbRunRepository(db, config.TABLE_NAME);

/** The scheduler's dependencies (shared by the Lambda and the local stack's timer). */
export const schedulerDeps = {
  runs,
  usage: runs,
  brands: new DynamoDbBrandRepository(db, config.TABLE_NAME),
  workspaces: new DynamoDbWorkspaceRepository(db, config.TABLE_NAME),
  schedules: new DynamoDbScheduleIndex(db, config.TABLE_NAME),
  catalogue: new DynamoDbModelCatalogueStore(db, config.TABLE_NAME),
  workflow: new SfnWorkflowStarter(
    tracer.captureAWSv3Client(createSfnClient(workflowConfig)),
    workflowConfig.STATE_MACHINE_ARN,
  ),
  clock: systemClock,
  ids: ulidGenerator,
};

export const tick = async () => {
  const result = await runDueSchedules(schedulerDeps, (message, details) => logger.info(message, details));
  const capped = result.skipped.filter((skip) => skip.reason === SPEND_CAP_EXCEEDED).length;
  if (capped > 0) countMetric(BUSINESS_METRICS.spendCapBreaches, capped);
  return result;
};

/** EventBridge rule target, every minute: starts the runs of every brand whose schedule is due. */
/** The EventBridge event id: one id per tick, carried into every run the tick starts. */
export const handler = middy(observed((event: { id?: string } | undefined) => pickCorrelationId(event?.id), tick)).use(
  injectLambdaContext(logger),
);
