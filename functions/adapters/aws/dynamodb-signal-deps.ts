import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cachedRetentionLookup } from '#shared/use-cases/retention.ts';
import type { SignalAggregationDeps } from '#shared/use-cases/signals.ts';
import type { BaseConfig } from '../../config.ts';
import { systemClock } from '../system.ts';
import { DynamoDbRetentionSettings } from './dynamodb-retention-settings.ts';
import { DynamoDbSignalAlertStore } from './dynamodb-signal-alert-store.ts';
import { DynamoDbSignalStore } from './dynamodb-signal-store.ts';
import { createKinesisClient, KinesisEventPublisher } from './kinesis-event-publisher.ts';
import { createPushNotifier } from './websocket-push.ts';

/**
 * The signal pass's dependencies for the aggregation consumer, built once per cold start: the stores on the
 * table; `metric.alert` publishing when `EVENT_STREAM_NAME` is set; browser push when `WS_MANAGEMENT_ENDPOINT` is
 * set (the function then needs `execute-api:ManageConnections` on the WebSocket stage). Either one missing only
 * turns that output off: alerts are always stored.
 */
export function createSignalAggregationDeps(input: {
  config: BaseConfig;
  db: DynamoDBDocumentClient;
  logger: Pick<Logger, 'warn' | 'error'>;
  tracer?: Pick<Tracer, 'captureAWSv3Client'>;
  env?: Record<string, string | undefined>;
}): SignalAggregationDeps {
  const { config, db, logger } = input;
  const env = input.env ?? process.env;
  const capture = <T>(client: T): T => (input.tracer ? input.tracer.captureAWSv3Client(client as never) : client);
  return {
    signals: new DynamoDbSignalStore(db, config.TABLE_NAME, {
      retention: cachedRetentionLookup(
        new DynamoDbRetentionSettings(db, config.TABLE_NAME),
        systemClock,
        60_000,
        (error) => logger.warn('Retention settings unavailable; post kept', { error }),
      ),
    }),
    alerts: new DynamoDbSignalAlertStore(db, config.TABLE_NAME),
    clock: systemClock,
    ...(config.EVENT_STREAM_NAME
      ? { publisher: new KinesisEventPublisher(capture(createKinesisClient(config)), config.EVENT_STREAM_NAME) }
      : {}),
    ...(env.WS_MANAGEMENT_ENDPOINT ? { push: createPushNotifier({ db, logger }) } : {}),
    log: {
      warn: (message, details) => logger.warn(message, details),
      error: (message, details) => logger.error(message, details),
    },
  };
}
