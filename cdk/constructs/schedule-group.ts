import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * PromptPulse's EventBridge Scheduler schedules: one schedule group (so they are listed, tagged and deleted
 * together), one execution role that EventBridge Scheduler assumes for them, and one dead-letter queue for
 * invocations it gave up on (retries or event age exhausted).
 *
 * The role trusts `scheduler.amazonaws.com` only for schedules of this account in this group (confused-deputy
 * conditions on `aws:SourceAccount` and `aws:SourceArn`); what it may do is added per target by the schedules'
 * targets (`aws-scheduler-targets` grant `lambda:InvokeFunction` on exactly the invoked function).
 */
export class ScheduleGroup extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.group = new scheduler.ScheduleGroup(this, 'Group', {});
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      description: 'EventBridge Scheduler execution role of the PromptPulse schedules',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule',
              resourceName: `${this.group.scheduleGroupName}/*`,
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetter', {
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the EventBridge Scheduler schedules; nothing consumes it ' +
        'automatically (operators inspect and, if needed, re-run what it names), so a queue behind it would never fill.',
    });
  }
}
