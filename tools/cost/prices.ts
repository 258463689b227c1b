/**
 * The AWS list prices the cost model uses (us-east-1, on-demand, USD), in one table an operator can update for
 * another region or a new price. Checked against the public pricing pages on the date below.
 */
export const PRICES_CHECKED_ON = '2026-12-07';

/** Hours in the month AWS bills by (730 = 8,760 / 12). */
export const HOURS_PER_MONTH = 730;

export const PRICES = {
  /** Kinesis Data Streams on-demand: per stream-hour (https://aws.amazon.com/kinesis/data-streams/pricing/). */
  kinesisOnDemandStreamHour: 0.04,
  /** Kinesis Data Streams provisioned: per shard-hour. */
  kinesisShardHour: 0.015,
  /** Provisioned extended retention (beyond 24 h, up to 7 days): per shard-hour. */
  kinesisExtendedRetentionShardHour: 0.02,
  /** CloudWatch standard-resolution alarm: per metric it evaluates, per month (https://aws.amazon.com/cloudwatch/pricing/). */
  cloudWatchAlarmMetricMonth: 0.1,
  /** CloudWatch anomaly-detection alarm: per alarm-month (three metrics). */
  cloudWatchAnomalyAlarmMonth: 0.3,
  /** CloudWatch dashboard: per month (the account's first three are free; not counted here). */
  cloudWatchDashboardMonth: 3,
  /** KMS customer managed key: per month (https://aws.amazon.com/kms/pricing/). */
  kmsKeyMonth: 1,
  /** Secrets Manager: per secret per month (https://aws.amazon.com/secrets-manager/pricing/). */
  secretMonth: 0.4,
  /** WAF web ACL: per ACL per month, plus per rule (https://aws.amazon.com/waf/pricing/). */
  wafWebAclMonth: 5,
  wafRuleMonth: 1,

  // Variable (per request / per use) prices, priced per 1,000 prompt executions by tools/cost/variable-cost.ts.
  /** Step Functions Standard: per state transition, $0.025 per 1,000 (https://aws.amazon.com/step-functions/pricing/). */
  stepFunctionsStandardTransition: 0.000025,
  /** Lambda on Arm (every function is arm64): per GB-second of duration (https://aws.amazon.com/lambda/pricing/). */
  lambdaArmGbSecond: 0.0000133334,
  /** Lambda: per request, $0.20 per million. */
  lambdaRequest: 0.0000002,
  /** DynamoDB on-demand: per write request unit, $0.625 per million (https://aws.amazon.com/dynamodb/pricing/on-demand/). */
  dynamoDbWriteRequestUnit: 0.000000625,
  /** DynamoDB on-demand: per read request unit, $0.125 per million. */
  dynamoDbReadRequestUnit: 0.000000125,
  /** Kinesis Data Streams on-demand: per GB ingested, each record rounded up to 1 KB. */
  kinesisOnDemandIngestGb: 0.08,
  /** Kinesis Data Streams on-demand: per GB read, per consumer (the aggregate function and the lake's Firehose). */
  kinesisOnDemandRetrievalGb: 0.04,
  /** Data Firehose, Direct PUT or Kinesis source: per GB ingested, each record rounded up to 5 KB (https://aws.amazon.com/firehose/pricing/). */
  firehoseIngestGb: 0.029,
  /** S3 Standard: per PUT, COPY, POST or LIST request, $0.005 per 1,000 (https://aws.amazon.com/s3/pricing/). */
  s3PutRequest: 0.000005,
  /** S3 Standard: per GET (and every other) request, $0.0004 per 1,000. */
  s3GetRequest: 0.0000004,
  /** API Gateway WebSocket: per message (32 KB increments), $1.00 per million (https://aws.amazon.com/api-gateway/pricing/). */
  webSocketMessage: 0.000001,
} as const;

export type PriceTable = typeof PRICES;
