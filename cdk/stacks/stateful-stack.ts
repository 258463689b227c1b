import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { RESOURCE_NAMES } from '../../shared/infra/resources.ts';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { DataTable } from '../constructs/data-table.ts';
import { EventStream } from '../constructs/event-stream.ts';
import { LakeBucket } from '../constructs/lake-bucket.ts';
import { ProviderKeys } from '../constructs/provider-keys.ts';
import { UserDirectory } from '../constructs/user-directory.ts';

export interface StatefulStackProps extends StackProps {
  readonly callbackUrls: string[];
  readonly logoutUrls: string[];
  readonly authDomainPrefix: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Everything that holds data or identity and must outlive redeploys: table, lake bucket, event stream,
 * user pool (with its token trigger, which belongs to the pool's lifecycle), the AI provider keys secret and the
 * alarm topic (operators' subscriptions). Construct ids are the logical
 * names from `RESOURCE_NAMES`; physical names are left to CloudFormation so several copies can coexist.
 */
export class StatefulStack extends Stack {
  readonly table: DataTable;
  readonly lake: LakeBucket;
  readonly eventStream: EventStream;
  readonly users: UserDirectory;
  readonly providerKeys: ProviderKeys;
  readonly alarms: AlarmTopic;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.table = new DataTable(this, RESOURCE_NAMES.table);
    this.lake = new LakeBucket(this, RESOURCE_NAMES.lakeBucket);
    this.eventStream = new EventStream(this, RESOURCE_NAMES.eventStream);
    this.users = new UserDirectory(this, RESOURCE_NAMES.userPool, {
      table: this.table,
      callbackUrls: props.callbackUrls,
      logoutUrls: props.logoutUrls,
      domainPrefix: props.authDomainPrefix,
      logRetention: props.logRetention,
    });
    this.providerKeys = new ProviderKeys(this, 'ProviderKeys');
    // Stateful because operators subscribe to it by hand: redeploying the compute must not drop subscriptions.
    this.alarms = new AlarmTopic(this, 'Alarms');

    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'EventStreamName', { value: this.eventStream.stream.streamName });
    new CfnOutput(this, 'LakeBucketName', { value: this.lake.bucket.bucketName });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.users.webClient.userPoolClientId });
    new CfnOutput(this, 'HostedUiDomain', { value: this.users.hostedUiUrl });
    new CfnOutput(this, 'OidcIssuer', { value: this.users.issuerUrl });
    new CfnOutput(this, 'ProviderKeysSecretArn', { value: this.providerKeys.secret.secretArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }
}
