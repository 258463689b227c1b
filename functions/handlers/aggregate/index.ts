import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { KinesisStreamEvent } from 'aws-lambda';
import { createDocumentClient } from '../../adapters/aws/clients.ts';
import { DynamoDbRollupStore } from '../../adapters/aws/dynamodb-rollup-store.ts';
import { createSignalAggregationDeps } from '../../adapters/aws/dynamodb-signal-deps.ts';
import { readBaseConfig } from '../../config.ts';
import { observed } from '../../middleware/observability.ts';
import { newCorrelationId } from '../../observability/correlation.ts';
import { BUSINESS_METRICS } from '../../observability/metric-names.ts';
import { countMetric } from '../../observability/metrics.ts';
import { logger, tracer } from '../../powertools.ts';
import { createAggregateHandler } from './aggregate.ts';

const config = readBaseConfig();
const db = tracer.captureAWSv3Client(createDocumentClient(config));
const aggregate = createAggregateHandler({
  rollups: new DynamoDbRollupStore(db, config.TABLE_NAME),
  signals: createSignalAggregationDeps({ config, db, logger, tracer }),
  // Outlast a short storage outage inside the invocation (the function's timeout is 60 s).
  retryBudgetMs: 40_000,
  onResult: (result) => {
    countMetric(BUSINESS_METRICS.eventsProcessed, result.applied);
    countMetric(BUSINESS_METRICS.eventsRejected, result.rejected);
    if (result.batchItemFailures.length > 0) countMetric(BUSINESS_METRICS.eventBatchFailures);
  },
  log: {
    warn: (message, details) => logger.warn(message, details),
    error: (message, details) => logger.error(message, details),
  },
});

/** Lambda entry point of the aggregation consumer (Kinesis event source with ReportBatchItemFailures). */
// A batch mixes events of many requests and runs: it gets its own id; each event's `correlationid` is in the record.
export const handler = middy(observed((_event: KinesisStreamEvent) => newCorrelationId(), aggregate)).use(
  injectLambdaContext(logger),
);
