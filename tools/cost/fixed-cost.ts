/**
 * The fixed monthly cost of a synthesized stage: what bills by the hour or the month whatever the traffic, read
 * from the CloudFormation templates (docs/cost.md, "Fixed cost per stage"). Traffic-driven cost is not here.
 */
import { HOURS_PER_MONTH, type PriceTable } from './prices.ts';

export interface CfnTemplate {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export interface FixedCostLine {
  item: string;
  count: number;
  monthlyUsd: number;
  why: string;
}

const round = (usd: number) => Math.round(usd * 100) / 100;

/** The metrics an alarm evaluates: one for a plain alarm, one per metric of a metric-math alarm. */
function alarmMetricCount(properties: Record<string, unknown>): number {
  const metrics = properties.Metrics as { MetricStat?: unknown }[] | undefined;
  if (!metrics) return 1;
  return Math.max(1, metrics.filter((metric) => metric.MetricStat !== undefined).length);
}

/** Every line with a fixed monthly cost across the stage's templates, largest first. */
export function fixedCost(templates: CfnTemplate[], prices: PriceTable): FixedCostLine[] {
  const resources = templates.flatMap((template) => Object.values(template.Resources ?? {}));
  const ofType = (type: string) => resources.filter((resource) => resource.Type === type);
  const lines: FixedCostLine[] = [];

  for (const stream of ofType('AWS::Kinesis::Stream')) {
    const props = stream.Properties ?? {};
    const mode = (props.StreamModeDetails as { StreamMode?: string } | undefined)?.StreamMode ?? 'PROVISIONED';
    const retention = Number(props.RetentionPeriodHours ?? 24);
    if (mode === 'ON_DEMAND') {
      lines.push({
        item: 'Kinesis stream (on-demand)',
        count: 1,
        monthlyUsd: prices.kinesisOnDemandStreamHour * HOURS_PER_MONTH,
        why: 'per stream-hour; data in/out and extended retention are billed per GB on top',
      });
    } else {
      const shards = Number(props.ShardCount ?? 1);
      lines.push({
        item: 'Kinesis stream (provisioned shards)',
        count: shards,
        monthlyUsd: shards * prices.kinesisShardHour * HOURS_PER_MONTH,
        why: 'per shard-hour',
      });
      if (retention > 24) {
        lines.push({
          item: `Kinesis extended retention (${retention} h)`,
          count: shards,
          monthlyUsd: shards * prices.kinesisExtendedRetentionShardHour * HOURS_PER_MONTH,
          why: 'per shard-hour beyond 24 h',
        });
      }
    }
  }

  const alarms = ofType('AWS::CloudWatch::Alarm');
  const anomaly = alarms.filter((alarm) => alarm.Properties?.ThresholdMetricId !== undefined);
  const standardMetrics = alarms
    .filter((alarm) => alarm.Properties?.ThresholdMetricId === undefined)
    .reduce((sum, alarm) => sum + alarmMetricCount(alarm.Properties ?? {}), 0);
  if (standardMetrics > 0) {
    lines.push({
      item: 'CloudWatch alarms (metrics evaluated)',
      count: standardMetrics,
      monthlyUsd: standardMetrics * prices.cloudWatchAlarmMetricMonth,
      why: 'per metric an alarm evaluates, per month',
    });
  }
  if (anomaly.length > 0) {
    lines.push({
      item: 'CloudWatch anomaly-detection alarms',
      count: anomaly.length,
      monthlyUsd: anomaly.length * prices.cloudWatchAnomalyAlarmMonth,
      why: 'per alarm-month',
    });
  }
  const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
  if (dashboards > 0) {
    lines.push({
      item: 'CloudWatch dashboards',
      count: dashboards,
      monthlyUsd: dashboards * prices.cloudWatchDashboardMonth,
      why: 'per dashboard-month beyond the account’s three free ones',
    });
  }
  const keys = ofType('AWS::KMS::Key').length;
  if (keys > 0) {
    lines.push({
      item: 'KMS customer managed keys',
      count: keys,
      monthlyUsd: keys * prices.kmsKeyMonth,
      why: 'per key-month',
    });
  }
  const secrets = ofType('AWS::SecretsManager::Secret').length;
  if (secrets > 0) {
    lines.push({
      item: 'Secrets Manager secrets',
      count: secrets,
      monthlyUsd: secrets * prices.secretMonth,
      why: 'per secret-month',
    });
  }
  for (const acl of ofType('AWS::WAFv2::WebACL')) {
    const rules = ((acl.Properties?.Rules as unknown[] | undefined) ?? []).length;
    lines.push({
      item: 'WAF web ACL',
      count: 1,
      monthlyUsd: prices.wafWebAclMonth + rules * prices.wafRuleMonth,
      why: `per ACL-month plus ${rules} rule(s)`,
    });
  }
  return lines
    .map((line) => ({ ...line, monthlyUsd: round(line.monthlyUsd) }))
    .sort((a, b) => b.monthlyUsd - a.monthlyUsd);
}

export const totalOf = (lines: FixedCostLine[]) => round(lines.reduce((sum, line) => sum + line.monthlyUsd, 0));
