import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The SNS topic every PromptPulse CloudWatch alarm notifies. Operators subscribe to it by hand (e-mail, chat
 * webhooks, paging), so it lives in the stateful stack: redeploying or destroying the compute keeps the
 * subscriptions.
 *
 * Encrypted with a customer managed key (rotation on): CloudWatch can only publish to an encrypted topic when the
 * key policy lets it use the key, which the AWS managed `alias/aws/sns` key does not. TLS-only topic policy; the
 * same policy lets CloudWatch alarms of this account (and only those) publish. The same key seals tenant secrets
 * (cdk/constructs/tenant-secrets.ts: grants conditioned on that encryption-context purpose), so a stage pays for one
 * customer managed key.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: { removalPolicy?: RemovalPolicy } = {}) {
    super(scope, id);

    this.key = new kms.Key(this, 'Key', {
      description: 'PromptPulse alarm topic and tenant secret encryption',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.removalPolicy === RemovalPolicy.DESTROY ? { pendingWindow: Duration.days(7) } : {}),
    });
    // CloudWatch publishes as itself; SNS then needs the publisher to be allowed to use the topic's key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'PromptPulse alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one, so CloudWatch's right to publish is stated; limited to alarms of
    // this account (confused-deputy protection).
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
  }
}
