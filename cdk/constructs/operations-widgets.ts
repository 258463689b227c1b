import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BUSINESS_METRICS, PROVIDER_DIMENSION } from '../../functions/observability/metric-names.ts';
import type { NodeFunction } from './node-function.ts';

/** A business metric the functions emit (namespace and `service` dimension); see docs/observability.md. */
export type BusinessMetric = (
  name: string,
  service: string,
  statistic?: string,
  period?: Duration,
) => cloudwatch.Metric;

/** Dashboard rows of the business metrics: runs, answers, provider errors and cost, canonical events. */
export function businessWidgets(metric: BusinessMetric, namespace: string): cloudwatch.IWidget[][] {
  const rows: cloudwatch.IWidget[][] = [];

  const fanout = (name: string, statistic: string = cloudwatch.Stats.SUM) =>
    metric(name, 'promptpulse-fanout', statistic);
  const providerSearch = (name: string) =>
    new cloudwatch.MathExpression({
      expression: `SEARCH('{${namespace},service,${PROVIDER_DIMENSION}} MetricName="${name}"', 'Sum', 300)`,
      label: name,
      period: Duration.minutes(5),
    });
  rows.push([
    new cloudwatch.GraphWidget({
      title: 'Runs',
      left: [
        fanout(BUSINESS_METRICS.runsStarted),
        fanout(BUSINESS_METRICS.runsCompleted),
        fanout(BUSINESS_METRICS.runsFailed),
      ],
      width: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Answers',
      left: [
        fanout(BUSINESS_METRICS.answersCollected),
        fanout(BUSINESS_METRICS.answersAnalyzed),
        fanout(BUSINESS_METRICS.workItemsFailed),
      ],
      width: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Provider errors and throttles (by provider)',
      left: [providerSearch(BUSINESS_METRICS.providerErrors), providerSearch(BUSINESS_METRICS.providerThrottles)],
      width: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Provider cost (USD) and spend-cap refusals',
      left: [fanout(BUSINESS_METRICS.costUsd)],
      right: [
        metric(BUSINESS_METRICS.spendCapBreaches, 'promptpulse-api'),
        metric(BUSINESS_METRICS.spendCapBreaches, 'promptpulse-scheduler'),
      ],
      width: 6,
    }),
  ]);
  const aggregate = (name: string) => metric(name, 'promptpulse-aggregate');
  rows.push([
    new cloudwatch.GraphWidget({
      title: 'Canonical events',
      left: [
        aggregate(BUSINESS_METRICS.eventsProcessed),
        aggregate(BUSINESS_METRICS.eventsRejected),
        aggregate(BUSINESS_METRICS.eventBatchFailures),
      ],
      width: 24,
    }),
  ]);
  return rows;
}

/** Dashboard rows over the stack's resources: functions, workflows, stream consumers, dead letters, error logs. */
export function stackWidgets(
  functions: NodeFunction[],
  machines: sfn.StateMachine[],
  queues: sqs.Queue[],
): cloudwatch.IWidget[][] {
  const period = Duration.minutes(5);
  return [
    [
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: functions.map((fn) => fn.function.metricErrors({ period, label: fn.node.path.split('/').slice(-1)[0] })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function throttles',
        left: functions.map((fn) =>
          fn.function.metricThrottles({ period, label: fn.node.path.split('/').slice(-1)[0] }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99 (ms)',
        left: functions.map((fn) =>
          fn.function.metricDuration({ period, statistic: 'p99', label: fn.node.path.split('/').slice(-1)[0] }),
        ),
        width: 8,
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: 'Workflow executions',
        left: machines.flatMap((machine) => [
          machine.metricStarted({ period }),
          machine.metricSucceeded({ period }),
          machine.metricFailed({ period }),
          machine.metricTimedOut({ period }),
        ]),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Stream consumers: iterator age (ms)',
        left: functions
          .filter((fn) => fn.function.node.findAll().some((c) => c.node.id.startsWith('KinesisEventSource')))
          .map((fn) => fn.function.metric('IteratorAge', { period, statistic: 'Maximum' })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        left: queues.map((queue) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        ),
        width: 8,
      }),
    ],
    [
      new cloudwatch.LogQueryWidget({
        title: 'Recent errors (all functions)',
        logGroupNames: functions.slice(0, 50).map((fn) => fn.logGroup.logGroupName),
        queryLines: [
          'fields @timestamp, service, correlation_id, message, error.name, error.message',
          "filter level = 'ERROR' or level = 'CRITICAL'",
          'sort @timestamp desc',
          'limit 50',
        ],
        width: 24,
        height: 8,
      }),
    ],
  ];
}
