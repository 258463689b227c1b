import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { KinesisStreamEvent } from 'aws-lambda';
import { createDocumentClient } from '../../adapters/aws/clients.ts';
import { DynamoDbRollupStore } from '../../adapters/aws/dynamodb-rollup-store.ts';
import { readBaseConfig } from '../../config.ts';
import { logger, tracer } from '../../powertools.ts';
import { createAggregateHandler } from './aggregate.ts';

const config = readBaseConfig();
const aggregate = createAggregateHandler({
  rollups: new DynamoDbRollupStore(tracer.captureAWSv3Client(createDocumentClient(config)), config.TABLE_NAME),
  log: {
    warn: (message, details) => logger.warn(message, details),
    error: (message, details) => logger.error(message, details),
  },
});

/** Lambda entry point of the aggregation consumer (Kinesis event source with ReportBatchItemFailures). */
export const handler = middy(async (event: KinesisStreamEvent) => aggregate(event)).use(injectLambdaContext(logger));
