import { CfnOutput, type Duration, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { RESOURCE_NAMES } from '../../shared/infra/resources.ts';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { ConnectorKeys } from '../constructs/connector-keys.ts';
import { DataTable } from '../constructs/data-table.ts';
import { EventStream } from '../constructs/event-stream.ts';
import { LakeBucket } from '../constructs/lake-bucket.ts';
import { ProviderKeys } from '../constructs/provider-keys.ts';
import { SnowflakeCredentials } from '../constructs/snowflake-delivery.ts';
import { type MailSettings, UserDirectory } from '../constructs/user-directory.ts';
import type { SnowflakeDeliverySettings } from '../context.ts';

export interface StatefulStackProps extends StackProps {
  readonly callbackUrls: string[];
  readonly logoutUrls: string[];
  readonly authDomainPrefix: string;
  readonly logRetention: logs.RetentionDays;
  /** Cognito's mail through SES. @default - Cognito's default sender */
  readonly mail?: MailSettings;
  /** How long the event stream keeps records (replay and catch-up window). @default 24 hours */
  readonly streamRetention?: Duration;
  /** Provisioned shards of the event stream, 0 for on-demand. @default 0 */
  readonly streamShards?: number;
  /** RETAIN (prod) or DESTROY (dev) for every data-holding resource. @default RemovalPolicy.RETAIN */
  readonly dataRemovalPolicy?: RemovalPolicy;
  /** Cognito Plus with threat protection. @default true */
  readonly threatProtection?: boolean;
  /** When set, the Snowflake credentials secret for the warehouse feed is created. @default - none */
  readonly snowflake?: SnowflakeDeliverySettings;
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
  readonly connectorKeys: ConnectorKeys;
  readonly snowflakeCredentials?: SnowflakeCredentials;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    const removalPolicy = props.dataRemovalPolicy;
    const data = removalPolicy ? { removalPolicy } : {};
    this.table = new DataTable(this, RESOURCE_NAMES.table, data);
    this.lake = new LakeBucket(this, RESOURCE_NAMES.lakeBucket, data);
    this.eventStream = new EventStream(this, RESOURCE_NAMES.eventStream, {
      ...data,
      ...(props.streamRetention ? { retention: props.streamRetention } : {}),
      ...(props.streamShards ? { shards: props.streamShards } : {}),
    });
    this.users = new UserDirectory(this, RESOURCE_NAMES.userPool, {
      table: this.table,
      callbackUrls: props.callbackUrls,
      logoutUrls: props.logoutUrls,
      domainPrefix: props.authDomainPrefix,
      ...(props.mail ? { mail: props.mail } : {}),
      logRetention: props.logRetention,
      ...data,
      ...(props.threatProtection === undefined ? {} : { threatProtection: props.threatProtection }),
    });
    this.providerKeys = new ProviderKeys(this, 'ProviderKeys', data);
    this.connectorKeys = new ConnectorKeys(this, 'ConnectorKeys', data);
    if (props.snowflake) this.snowflakeCredentials = new SnowflakeCredentials(this, 'SnowflakeCredentials', data);
    // Stateful because operators subscribe to it by hand: redeploying the compute must not drop subscriptions.
    this.alarms = new AlarmTopic(this, 'Alarms', data);

    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'EventStreamName', { value: this.eventStream.stream.streamName });
    new CfnOutput(this, 'LakeBucketName', { value: this.lake.bucket.bucketName });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.users.webClient.userPoolClientId });
    new CfnOutput(this, 'HostedUiDomain', { value: this.users.hostedUiUrl });
    new CfnOutput(this, 'OidcIssuer', { value: this.users.issuerUrl });
    new CfnOutput(this, 'ProviderKeysSecretArn', { value: this.providerKeys.secret.secretArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'ConnectorKeysSecretArn', { value: this.connectorKeys.secret.secretArn });
    if (this.snowflakeCredentials) {
      new CfnOutput(this, 'SnowflakeCredentialsSecretArn', { value: this.snowflakeCredentials.secret.secretArn });
    }
  }
}
