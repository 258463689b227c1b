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
} as const;

export type PriceTable = typeof PRICES;
