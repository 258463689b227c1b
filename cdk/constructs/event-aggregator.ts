import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DataTable } from './data-table.ts';
import type { EventStream } from './event-stream.ts';
import { NodeFunction } from './node-function.ts';

/** Event source mapping settings of the aggregation consumer (docs/events.md, "What the CDK needs"). */
export const AGGREGATE_SOURCE_SETTINGS = {
  startingPosition: lambda.StartingPosition.TRIM_HORIZON,
  batchSize: 100,
  maxBatchingWindow: Duration.seconds(1),
  reportBatchItemFailures: true,
  bisectBatchOnError: true,
  retryAttempts: 5,
  // One batch per shard at a time keeps a brand's events (partition key tenant#brand) in order.
  parallelizationFactor: 1,
} as const;

/**
 * A consumer gives records up at the stream's retention (what a replay could still read), at most Lambda's 7 days:
 * a shorter age would drop records the stream still holds during a long outage of the consumer.
 */
export function maxRecordAgeFor(eventStream: EventStream): Duration {
  return Duration.seconds(Math.min(eventStream.retention.toSeconds(), Duration.days(7).toSeconds()));
}

/** IteratorAge above which the consumer is considered behind. */
export const ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000;

export interface EventAggregatorProps {
  readonly table: DataTable;
  readonly eventStream: EventStream;
  readonly logRetention: logs.RetentionDays;
  /** Where the consumer's alarms notify. @default - nowhere (dev: alarms exist but page nobody) */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The aggregation consumer: `functions/handlers/aggregate/index.ts` on the event stream with Kinesis event-source
 * semantics (partial batch failures, bisection, 5 retries, records older than a day dropped) and an SQS on-failure
 * destination that receives a pointer (shard, sequence numbers) to every batch given up on.
 *
 * Table access: item reads/writes without deletes on the base table, limited by `dynamodb:LeadingKeys` to keys that
 * begin with a tenant id (`ws_*`); it is a platform consumer, so every tenant. Alarms: iterator age over 5 minutes,
 * any message on the on-failure queue.
 */
export class EventAggregator extends Construct {
  readonly handler: NodeFunction;
  /** On-failure destination of the event source mapping. */
  readonly onFailureQueue: sqs.Queue;
  readonly iteratorAgeAlarm: cloudwatch.Alarm;
  readonly onFailureAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EventAggregatorProps) {
    super(scope, id);

    this.onFailureQueue = new sqs.Queue(this, 'OnFailure', {
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.onFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the aggregation event source mapping: it holds pointers ' +
        '(shard, sequence range) to batches given up on, read by an operator who replays them from the stream. ' +
        'Nothing consumes it automatically, so a redrive queue behind it would never receive anything.',
    });

    this.handler = new NodeFunction(this, 'Aggregate', {
      entry: 'functions/handlers/aggregate/index.ts',
      description: 'PromptPulse aggregation consumer: canonical events to daily rollups',
      serviceName: 'promptpulse-aggregate',
      memorySize: 256,
      timeout: Duration.seconds(60),
      logRetention: props.logRetention,
      environment: { TABLE_NAME: props.table.table.tableName },
    });
    const fn = this.handler.function;
    props.table.grantTenantItemWrites(fn);
    // Grants the stream reads (GetRecords, GetShardIterator, Describe*, ListShards) and SendMessage on the queue.
    fn.addEventSource(
      new KinesisEventSource(props.eventStream.stream, {
        ...AGGREGATE_SOURCE_SETTINGS,
        maxRecordAge: maxRecordAgeFor(props.eventStream),
        onFailure: new SqsDlq(this.onFailureQueue),
      }),
    );

    this.iteratorAgeAlarm = new cloudwatch.Alarm(this, 'IteratorAgeAlarm', {
      alarmDescription:
        'The aggregation consumer is more than 5 minutes behind the event stream: rollups are stale and records ' +
        'approach the maximum record age (the stream retention). Runbook: docs/runbook.md#iterator-age',
      metric: fn.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) }),
      threshold: ITERATOR_AGE_ALARM_MS,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.onFailureAlarm = new cloudwatch.Alarm(this, 'OnFailureAlarm', {
      alarmDescription:
        'The aggregation consumer gave up on a batch (retries or record age exhausted): the on-failure queue names ' +
        'the shard and sequence range to replay. Runbook: docs/runbook.md#dead-letters',
      metric: this.onFailureQueue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.iteratorAgeAlarm, this.onFailureAlarm]) {
      if (props.alarmTopic) alarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
    }
  }
}
