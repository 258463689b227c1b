import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  SNOWFLAKE_DATA_LOADING_OPTION,
  SNOWFLAKE_EVENT_COLUMN,
  SNOWFLAKE_METADATA_COLUMN,
} from '../../functions/adapters/warehouse/snowflake-schema.ts';
import type { SnowflakeDeliverySettings } from '../context.ts';
import { acknowledgeWildcardResources } from '../nag.ts';
import type { EventStream } from './event-stream.ts';
import type { LakeBucket } from './lake-bucket.ts';

/** Where Firehose puts events Snowflake refused (after its retries), for replay. */
export const SNOWFLAKE_FAILED_PREFIX = 'errors/snowflake/';

/**
 * The Snowflake key-pair credentials: JSON `{"user": "...", "private_key": "..."}` (the private key without PEM header,
 * as Firehose expects; optional `key_passphrase`). Read by the Firehose delivery and by the analytics and
 * materialization functions (`functions/adapters/warehouse/snowflake-key.ts` reads the same format), so one Snowflake
 * service user and one key pair serve loading and querying. Stateful: an operator puts the value.
 */
export class SnowflakeCredentials extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: { removalPolicy?: RemovalPolicy } = {}) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description:
        'PromptPulse Snowflake key pair (Firehose and the warehouse functions): JSON {"user","private_key"[,"key_passphrase"]}',
      secretObjectValue: {},
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A Snowflake key pair is registered on the Snowflake user (ALTER USER ... SET RSA_PUBLIC_KEY_2) by a Snowflake ' +
        'admin; a rotation function cannot do that. Operators rotate with the second key slot and put-secret-value.',
    });
  }

  /** `secretsmanager:GetSecretValue`/`DescribeSecret` on this secret only. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.secret.grantRead(grantee);
  }
}

/**
 * The environment of a function that queries the Snowflake warehouse (`functions/adapters/warehouse/index.ts`): where
 * to connect and the ARN of the key secret, never the key. The Snowflake user is the secret's `user`.
 */
export function snowflakeWarehouseEnvironment(
  settings: SnowflakeDeliverySettings,
  credentials: SnowflakeCredentials,
): Record<string, string> {
  return {
    WAREHOUSE: 'snowflake',
    SNOWFLAKE_ACCOUNT: new URL(settings.accountUrl).hostname.replace(/\.snowflakecomputing\.com$/, ''),
    SNOWFLAKE_WAREHOUSE: settings.warehouse,
    SNOWFLAKE_DATABASE: settings.database,
    SNOWFLAKE_SCHEMA: settings.schema,
    SNOWFLAKE_TABLE: settings.table,
    ...(settings.role ? { SNOWFLAKE_ROLE: settings.role } : {}),
    SNOWFLAKE_PRIVATE_KEY_SECRET_ARN: credentials.secret.secretArn,
  };
}

/** Points a warehouse function (analytics, materialization) at Snowflake: its environment and the secret's read grant. */
export function connectToSnowflakeWarehouse(
  fn: lambda.Function,
  snowflake: { settings: SnowflakeDeliverySettings; credentials: SnowflakeCredentials },
): void {
  for (const [name, value] of Object.entries(
    snowflakeWarehouseEnvironment(snowflake.settings, snowflake.credentials),
  )) {
    fn.addEnvironment(name, value);
  }
  snowflake.credentials.grantRead(fn);
}

export interface SnowflakeDeliveryProps {
  readonly settings: SnowflakeDeliverySettings;
  readonly credentials: SnowflakeCredentials;
  readonly eventStream: EventStream;
  /** Receives the records Snowflake refused, under `errors/snowflake/`. */
  readonly lake: LakeBucket;
  readonly logRetention: logs.RetentionDays;
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The optional warehouse feed (context `snowflakeAccountUrl`): a second Firehose delivery stream on the event stream
 * (Kinesis lets several consumers read it) writing each canonical event into one VARIANT column (and Firehose's
 * record metadata into another) of a Snowflake table through Snowpipe Streaming, authenticated with the key pair from {@link SnowflakeCredentials} (read by
 * Firehose from Secrets Manager; never in the template). Records Snowflake still refuses after an hour of retries
 * go to the lake under `errors/snowflake/`. The lake delivery is unchanged: the lake stays the system of record.
 */
export class SnowflakeDelivery extends Construct {
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly freshnessAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SnowflakeDeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { stream } = props.eventStream;
    const { bucket } = props.lake;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logStream = new logs.LogStream(this, 'SnowflakeDeliveryLogs', {
      logGroup: this.logGroup,
      logStreamName: 'SnowflakeDelivery',
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com'),
      description: 'Firehose delivery of canonical events from the event stream to Snowflake',
    });
    const failedObjects = bucket.arnForObjects(`${SNOWFLAKE_FAILED_PREFIX}*`);
    const policy = new iam.Policy(this, 'Policy', {
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
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.credentials.secret.secretArn],
        }),
        new iam.PolicyStatement({ actions: ['s3:AbortMultipartUpload', 's3:PutObject'], resources: [failedObjects] }),
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
      policy,
      [failedObjects],
      'Firehose names the objects of refused records at delivery time; only PutObject/AbortMultipartUpload, only ' +
        `under ${SNOWFLAKE_FAILED_PREFIX}.`,
    );

    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: { kinesisStreamArn: stream.streamArn, roleArn: this.role.roleArn },
      snowflakeDestinationConfiguration: {
        accountUrl: props.settings.accountUrl,
        database: props.settings.database,
        schema: props.settings.schema,
        table: props.settings.table,
        // The whole CloudEvent in one VARIANT column and Firehose's metadata (ingestion time, sequence number) in a
        // second: the table the adapter's DDL creates and its views read (snowflake-schema.ts, docs/warehouse.md).
        dataLoadingOption: SNOWFLAKE_DATA_LOADING_OPTION,
        contentColumnName: SNOWFLAKE_EVENT_COLUMN,
        metaDataColumnName: SNOWFLAKE_METADATA_COLUMN,
        // The role the functions use (context `snowflakeRole`) is the one Firehose inserts as, so the table the
        // deploy-time migration creates (owned by that role) is the one Firehose may write; without the context,
        // both use the user's default role.
        ...(props.settings.role
          ? { snowflakeRoleConfiguration: { enabled: true, snowflakeRole: props.settings.role } }
          : {}),
        secretsManagerConfiguration: {
          enabled: true,
          secretArn: props.credentials.secret.secretArn,
          roleArn: this.role.roleArn,
        },
        roleArn: this.role.roleArn,
        retryOptions: { durationInSeconds: 3600 },
        s3BackupMode: 'FailedDataOnly',
        s3Configuration: {
          bucketArn: bucket.bucketArn,
          roleArn: this.role.roleArn,
          prefix: SNOWFLAKE_FAILED_PREFIX,
          errorOutputPrefix: `${SNOWFLAKE_FAILED_PREFIX}errors/`,
          compressionFormat: 'GZIP',
          bufferingHints: { sizeInMBs: 5, intervalInSeconds: 300 },
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: this.logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    this.deliveryStream.node.addDependency(policy);
    Validations.of(this.deliveryStream).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason:
        'Firehose does not accept delivery-stream SSE when the source is a Kinesis data stream; records are encrypted ' +
        'in the source stream (KMS), in transit to Snowflake (TLS) and at rest by Snowflake.',
    });

    this.freshnessAlarm = new cloudwatch.Alarm(this, 'DataFreshnessAlarm', {
      alarmDescription:
        'The oldest record waiting for Snowflake is more than 15 minutes old: Snowflake refuses or is unreachable ' +
        '(check the delivery log group and the Snowflake user/key). Runbook: docs/runbook.md#snowflake-delivery',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName: 'DeliveryToSnowflake.DataFreshness',
        dimensionsMap: { DeliveryStreamName: this.deliveryStream.ref },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(5),
      }),
      threshold: 15 * 60,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.freshnessAlarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
  }
}
