import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../nag.ts';
import type { EventStream } from './event-stream.ts';
import type { LakeBucket } from './lake-bucket.ts';

/** The lake key layout of canonical events (docs/events.md, "Lake"); `local/lake-writer.ts` writes the same. */
export const LAKE_EVENTS_PREFIX =
  'tenants/!{partitionKeyFromQuery:tenantid}/events/type=!{partitionKeyFromQuery:type}/dt=!{partitionKeyFromQuery:dt}/';
/** Records Firehose could not partition or deliver, by error type and arrival date. */
export const LAKE_ERROR_PREFIX = 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/';
/** Partition keys from the CloudEvent envelope: tenant extension, type, and the date part of `time`. */
export const PARTITION_QUERY = '{tenantid: .tenantid, type: .type, dt: .time[0:10]}';
/** What Firehose may write: the two prefixes above, nothing else in the lake. */
export const LAKE_DELIVERY_KEY_PATTERNS = ['tenants/*', 'errors/*'] as const;

export interface LakeDeliveryProps {
  readonly eventStream: EventStream;
  readonly lake: LakeBucket;
  readonly logRetention: logs.RetentionDays;
  /** Where the delivery alarms notify. @default - nowhere (dev: alarms exist but page nobody) */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Firehose from the event stream to the lake bucket, with dynamic partitioning by tenant, event type and event date
 * (JQ metadata extraction on the envelope), GZIP-compressed newline-delimited JSON (`.json.gz`), 64 MiB / 60 s
 * buffers (64 MiB is the minimum with dynamic partitioning) and an error prefix for records that cannot be
 * partitioned. The L1 resource: the L2 `DeliveryStream` has no dynamic partitioning.
 *
 * Its role may read the stream, write objects under `tenants/*` and `errors/*` of the lake, and write its own
 * CloudWatch log stream. Alarms: failed S3 deliveries and data older than 15 minutes in the delivery stream.
 */
export class LakeDelivery extends Construct {
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly role: iam.Role;
  readonly policy: iam.Policy;
  readonly logGroup: logs.LogGroup;
  readonly deliveryFailureAlarm: cloudwatch.Alarm;
  readonly freshnessAlarm: cloudwatch.Alarm;
  /**
   * Dynamic partitioning met the stream's active-partition quota (500 by default: tenant x type x day, about 80 busy
   * tenants): records beyond it go to the error prefix instead of the lake.
   */
  readonly partitionLimitAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: LakeDeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { stream } = props.eventStream;
    const { bucket } = props.lake;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logStream = new logs.LogStream(this, 'S3DeliveryLogs', {
      logGroup: this.logGroup,
      logStreamName: 'S3Delivery',
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com'),
      description: 'Firehose delivery of canonical events from the event stream to the lake',
    });
    const objectArns = LAKE_DELIVERY_KEY_PATTERNS.map((pattern) => bucket.arnForObjects(pattern));
    this.policy = new iam.Policy(this, 'Policy', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          actions: [
            'kinesis:DescribeStream',
            'kinesis:DescribeStreamSummary',
            'kinesis:GetShardIterator',
            'kinesis:GetRecords',
            'kinesis:ListShards',
          ],
          resources: [stream.streamArn],
        }),
        new iam.PolicyStatement({
          actions: ['s3:AbortMultipartUpload', 's3:PutObject'],
          resources: objectArns,
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          resources: [bucket.bucketArn],
        }),
        new iam.PolicyStatement({
          actions: ['logs:PutLogEvents'],
          resources: [
            stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: `${this.logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
      ],
    });
    acknowledgeWildcardResources(
      this.policy,
      objectArns,
      'Firehose names objects at delivery time (partition values, timestamps, random suffix) under tenants/<tenant>/' +
        'events/... and errors/...; the wildcard is limited to those two prefixes and to PutObject/AbortMultipartUpload.',
    );

    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: { kinesisStreamArn: stream.streamArn, roleArn: this.role.roleArn },
      extendedS3DestinationConfiguration: {
        bucketArn: bucket.bucketArn,
        roleArn: this.role.roleArn,
        prefix: LAKE_EVENTS_PREFIX,
        errorOutputPrefix: LAKE_ERROR_PREFIX,
        bufferingHints: { sizeInMBs: 64, intervalInSeconds: 60 },
        compressionFormat: 'GZIP',
        fileExtension: '.json.gz',
        // Objects are encrypted by the bucket's default encryption (SSE-S3); a KMS key here would only add cost.
        encryptionConfiguration: { noEncryptionConfig: 'NoEncryption' },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: this.logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: PARTITION_QUERY },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
            {
              // One event per line, as the local lake writer and the warehouse loaders expect.
              type: 'AppendDelimiterToRecord',
              parameters: [{ parameterName: 'Delimiter', parameterValue: '\\n' }],
            },
          ],
        },
        s3BackupMode: 'Disabled',
      },
    });
    // Firehose checks at creation that the role can read the stream: the policy must exist first.
    this.deliveryStream.node.addDependency(this.policy);
    Validations.of(this.deliveryStream).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason:
        'Firehose does not accept DeliveryStreamEncryptionConfigurationInput when the source is a Kinesis data ' +
        'stream; records are encrypted at rest in the source stream (KMS) and in the lake bucket (SSE-S3), and in ' +
        'transit with TLS.',
    });

    const metric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName,
        dimensionsMap: { DeliveryStreamName: this.deliveryStream.ref },
        statistic,
        period: Duration.minutes(5),
      });
    this.deliveryFailureAlarm = new cloudwatch.Alarm(this, 'DeliveryFailureAlarm', {
      alarmDescription:
        'Firehose failed to put objects into the lake bucket (DeliveryToS3.Success below 1): check its log group; ' +
        'records are retried from the stream for up to its retention. Runbook: docs/runbook.md#lake-delivery',
      metric: metric('DeliveryToS3.Success', cloudwatch.Stats.MINIMUM),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.freshnessAlarm = new cloudwatch.Alarm(this, 'DataFreshnessAlarm', {
      alarmDescription:
        'The oldest record in Firehose is more than 15 minutes old: deliveries to the lake are failing or falling ' +
        'behind. Runbook: docs/runbook.md#lake-delivery',
      metric: metric('DeliveryToS3.DataFreshness', cloudwatch.Stats.MAXIMUM),
      threshold: 15 * 60,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.partitionLimitAlarm = new cloudwatch.Alarm(this, 'PartitionLimitAlarm', {
      alarmDescription:
        'Firehose dynamic partitioning exceeded the active-partition quota: records go to the errors/ prefix of the ' +
        'lake instead of their tenant partition. Raise the quota, then re-drive errors/. Runbook: ' +
        'docs/runbook.md#lake-delivery',
      metric: metric('PartitionCountExceeded', cloudwatch.Stats.MAXIMUM),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.deliveryFailureAlarm, this.freshnessAlarm, this.partitionLimitAlarm]) {
      if (props.alarmTopic) alarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
    }
  }
}
