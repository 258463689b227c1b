import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ITERATOR_AGE_ALARM_MS } from '../../cdk/constructs/event-aggregator.ts';
import { LAKE_ERROR_PREFIX, LAKE_EVENTS_PREFIX, PARTITION_QUERY } from '../../cdk/constructs/lake-delivery.ts';
import { defaultTemplates, logicalIdOf, statefulValueRef } from './support.ts';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };

describe('event pipeline', () => {
  const { app, stateless: template, stateful } = defaultTemplates();
  const stack = app.stateless;
  const resources = template.toJSON().Resources;
  const aggregator = stack.aggregator;
  const delivery = stack.lakeDelivery;
  const streamArn = statefulValueRef(app.stateful.eventStream.stream.streamArn);
  const tableArn = statefulValueRef(app.stateful.table.table.tableArn);
  const lakeArn = statefulValueRef(app.stateful.lake.bucket.bucketArn);
  const topicArn = statefulValueRef(app.stateful.alarms.topic.topicArn);

  function statementsOf(roleId: string): Statement[] {
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((r) =>
        (r.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
      )
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
  }
  const actionsOf = (roleId: string) => [...new Set(statementsOf(roleId).flatMap((s) => [s.Action].flat()))].sort();
  const statementsWith = (roleId: string, action: string) =>
    statementsOf(roleId).filter((s) => [s.Action].flat().includes(action));
  const alarmOf = (construct: Parameters<typeof logicalIdOf>[0]) => resources[logicalIdOf(construct)]!.Properties;

  describe('aggregation consumer', () => {
    const fnId = logicalIdOf(aggregator.handler.function);
    const roleId = logicalIdOf(aggregator.handler.role);
    const queueId = logicalIdOf(aggregator.onFailureQueue);

    it('runs the aggregate handler with TABLE_NAME, 256 MB, 60 s, arm64', () => {
      const props = resources[fnId]!.Properties;
      expect(props.Handler).toBe('index.handler');
      expect(props.MemorySize).toBe(256);
      expect(props.Timeout).toBe(60);
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.Environment.Variables.TABLE_NAME).toEqual(statefulValueRef(app.stateful.table.table.tableName));
      // It publishes the signal swings it finds (promptpulse.metric.alert) back onto the stream and pushes them.
      expect(props.Environment.Variables.EVENT_STREAM_NAME).toEqual(
        statefulValueRef(app.stateful.eventStream.stream.streamName),
      );
      expect(props.Environment.Variables.WS_MANAGEMENT_ENDPOINT).toBeDefined();
    });

    it('reads the event stream with the documented event source mapping settings', () => {
      // One mapping for this consumer (the Action Hub engine has its own on the same stream).
      const mine = template.findResources('AWS::Lambda::EventSourceMapping', {
        Properties: { FunctionName: { Ref: fnId } },
      });
      expect(Object.keys(mine)).toHaveLength(1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId },
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        // prod keeps the stream a week; the consumer retries up to Lambda's 7-day maximum (first-deploy.test.ts).
        MaximumRecordAgeInSeconds: 604800,
        ParallelizationFactor: 1,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
        TumblingWindowInSeconds: Match.absent(),
      });
    });

    it('sends given-up batches to an encrypted, TLS-only queue kept 14 days', () => {
      const queue = resources[queueId]!;
      expect(queue.Properties.KmsMasterKeyId).toBe('alias/aws/sqs');
      expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('gets exactly: item upserts and deletes on tenant keys (no Scan, no index), stream reads and alert puts, queue send, push', () => {
      expect(actionsOf(roleId)).toEqual(
        [
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
          'execute-api:ManageConnections',
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamConsumer',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
          'kinesis:ListShards',
          'kinesis:ListStreams',
          'kinesis:PutRecord',
          'kinesis:PutRecords',
          'kinesis:SubscribeToShard',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:SendMessage',
          'xray:PutTelemetryRecords',
          'xray:PutTraceSegments',
        ].sort(),
      );
      const table = statementsWith(roleId, 'dynamodb:UpdateItem');
      expect(table).toHaveLength(1);
      expect(table[0]!.Resource).toEqual(tableArn);
      expect(table[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ws_*'] } });
      expect(statementsWith(roleId, 'dynamodb:Query').map((s) => s.Resource)).toEqual([tableArn]);
      expect(statementsWith(roleId, 'kinesis:GetRecords').map((s) => s.Resource)).toEqual([streamArn]);
      expect(statementsWith(roleId, 'sqs:SendMessage').map((s) => s.Resource)).toEqual([
        { 'Fn::GetAtt': [queueId, 'Arn'] },
      ]);
      expect(statementsWith(roleId, 'kinesis:PutRecords').map((s) => s.Resource)).toEqual([streamArn]);
      expect(JSON.stringify(statementsOf(roleId))).not.toMatch(/dynamodb:Scan|s3:/);
    });

    it('alarms on iterator age over 5 minutes and on any message in the on-failure queue', () => {
      expect(alarmOf(aggregator.iteratorAgeAlarm)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
        Statistic: 'Maximum',
        Threshold: ITERATOR_AGE_ALARM_MS,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topicArn],
      });
      expect(ITERATOR_AGE_ALARM_MS).toBe(300_000);
      expect(alarmOf(aggregator.onFailureAlarm)).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topicArn],
      });
    });
  });

  describe('Firehose to the lake', () => {
    const streamId = logicalIdOf(delivery.deliveryStream);
    const roleId = logicalIdOf(delivery.role);
    const ds = resources[streamId]!;
    const s3 = ds.Properties.ExtendedS3DestinationConfiguration;

    it('reads the event stream with its own role, created after that role may read it', () => {
      template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
      expect(ds.Properties.DeliveryStreamType).toBe('KinesisStreamAsSource');
      expect(ds.Properties.KinesisStreamSourceConfiguration).toEqual({
        KinesisStreamARN: streamArn,
        RoleARN: { 'Fn::GetAtt': [roleId, 'Arn'] },
      });
      expect(ds.DependsOn).toContain(logicalIdOf(delivery.policy));
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'firehose.amazonaws.com' } })],
        },
      });
    });

    it('partitions by tenant, type and event date with JQ and writes the documented layout', () => {
      expect(s3.BucketARN).toEqual(lakeArn);
      expect(s3.DynamicPartitioningConfiguration).toEqual({ Enabled: true, RetryOptions: { DurationInSeconds: 300 } });
      expect(PARTITION_QUERY).toBe('{tenantid: .tenantid, type: .type, dt: .time[0:10]}');
      expect(s3.Prefix).toBe(
        'tenants/!{partitionKeyFromQuery:tenantid}/events/type=!{partitionKeyFromQuery:type}/dt=!{partitionKeyFromQuery:dt}/',
      );
      expect(s3.Prefix).toBe(LAKE_EVENTS_PREFIX);
      expect(s3.ErrorOutputPrefix).toBe('errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/');
      expect(s3.ErrorOutputPrefix).toBe(LAKE_ERROR_PREFIX);
      expect(s3.ProcessingConfiguration).toEqual({
        Enabled: true,
        Processors: [
          {
            Type: 'MetadataExtraction',
            Parameters: [
              { ParameterName: 'MetadataExtractionQuery', ParameterValue: PARTITION_QUERY },
              { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
            ],
          },
          { Type: 'AppendDelimiterToRecord', Parameters: [{ ParameterName: 'Delimiter', ParameterValue: '\\n' }] },
        ],
      });
      // Record deaggregation stays off: the publisher does not use KPL aggregation.
      expect(JSON.stringify(s3.ProcessingConfiguration)).not.toContain('RecordDeAggregation');
    });

    it('writes GZIP .json.gz files in 64 MiB / 60 s buffers, logs to CloudWatch, no backup copy', () => {
      expect(s3.CompressionFormat).toBe('GZIP');
      expect(s3.FileExtension).toBe('.json.gz');
      expect(s3.BufferingHints).toEqual({ SizeInMBs: 64, IntervalInSeconds: 60 });
      expect(s3.S3BackupMode).toBe('Disabled');
      expect(s3.EncryptionConfiguration).toEqual({ NoEncryptionConfig: 'NoEncryption' });
      expect(s3.CloudWatchLoggingOptions).toEqual({
        Enabled: true,
        LogGroupName: { Ref: logicalIdOf(delivery.logGroup) },
        LogStreamName: { Ref: logicalIdOf(delivery.node.findChild('S3DeliveryLogs')) },
      });
      expect(resources[logicalIdOf(delivery.logGroup)]!.Properties.RetentionInDays).toBe(90);
    });

    it('its role reads the stream, writes only tenants/* and errors/* of the lake, and its own log stream', () => {
      expect(actionsOf(roleId)).toEqual(
        [
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
          'kinesis:ListShards',
          'logs:PutLogEvents',
          's3:AbortMultipartUpload',
          's3:GetBucketLocation',
          's3:ListBucket',
          's3:ListBucketMultipartUploads',
          's3:PutObject',
        ].sort(),
      );
      expect(statementsWith(roleId, 'kinesis:GetRecords').map((s) => s.Resource)).toEqual([streamArn]);
      const objects = (prefix: string) => ({ 'Fn::Join': ['', [lakeArn, `/${prefix}/*`]] });
      for (const action of ['s3:PutObject', 's3:AbortMultipartUpload']) {
        const granted = statementsWith(roleId, action).flatMap((s) => [s.Resource].flat());
        expect(granted, action).toHaveLength(2);
        expect(granted, action).toEqual(expect.arrayContaining([objects('tenants'), objects('errors')]));
      }
      expect(statementsWith(roleId, 's3:ListBucket').map((s) => s.Resource)).toEqual([lakeArn]);
      const logs = JSON.stringify(statementsWith(roleId, 'logs:PutLogEvents').map((s) => s.Resource));
      expect(logs).toContain(`{"Ref":"${logicalIdOf(delivery.logGroup)}"},":log-stream:"`);
      expect(JSON.stringify(statementsOf(roleId))).not.toMatch(/s3:GetObject|s3:\*|kinesis:Put|"\*"/);
    });

    it('alarms on failed S3 deliveries and on stale data', () => {
      const dimensions = [{ Name: 'DeliveryStreamName', Value: { Ref: streamId } }];
      expect(alarmOf(delivery.deliveryFailureAlarm)).toMatchObject({
        Namespace: 'AWS/Firehose',
        MetricName: 'DeliveryToS3.Success',
        Dimensions: dimensions,
        Statistic: 'Minimum',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topicArn],
      });
      expect(alarmOf(delivery.freshnessAlarm)).toMatchObject({
        Namespace: 'AWS/Firehose',
        MetricName: 'DeliveryToS3.DataFreshness',
        Dimensions: dimensions,
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topicArn],
      });
    });

    it('outputs the delivery stream name and the on-failure queue URL', () => {
      template.hasOutput('LakeDeliveryStreamName', { Value: { Ref: streamId } });
      template.hasOutput('AggregateOnFailureQueueUrl', { Value: { Ref: logicalIdOf(aggregator.onFailureQueue) } });
    });
  });

  describe('alarm topic (stateful)', () => {
    const topicId = logicalIdOf(app.stateful.alarms.topic);
    const keyId = logicalIdOf(app.stateful.alarms.key);

    it('every alarm of the app notifies the topic, and nothing else', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      // The pipeline's four plus the operations alarms (test/infra/operations.test.ts); prod notifies on all.
      expect(alarms.length).toBeGreaterThan(4);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
        expect(alarm.Properties.AlarmDescription).toMatch(/docs\/(deploy|runbook)\.md/);
      }
      stateful.resourceCountIs('AWS::SNS::Topic', 1);
      stateful.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('is encrypted with a rotated customer managed key that CloudWatch may use', () => {
      stateful.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      stateful.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Retain',
        Properties: {
          EnableKeyRotation: true,
          KeyPolicy: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Principal: { Service: 'cloudwatch.amazonaws.com' },
                Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              }),
            ]),
          },
        },
      });
    });

    it("refuses publishing without TLS and lets only this account's CloudWatch alarms publish", () => {
      stateful.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: [
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sns:Publish',
              Principal: '*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sns:Publish',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Condition: {
                ArnLike: { 'aws:SourceArn': Match.anyValue() },
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              },
            }),
          ],
        },
      });
    });

    it('outputs its ARN', () => {
      stateful.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
    });
  });
});
