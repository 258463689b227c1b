import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { API_DESTINATION_NAME_PREFIX } from '../../shared/actions/crm-task.ts';
import { ACTION_SYNC_EVENT_PATTERN } from '../../shared/actions/payloads.ts';
import type { DataTable } from './data-table.ts';
import { maxRecordAgeFor } from './event-aggregator.ts';
import type { EventStream } from './event-stream.ts';
import { NodeFunction } from './node-function.ts';
import type { PushWebSocketApi } from './websocket-api.ts';

export interface ActionSyncProps {
  readonly table: DataTable;
  readonly eventStream: EventStream;
  readonly logRetention: logs.RetentionDays;
  /** The API function: publishes action events (PutEvents) and runs test/re-drive deliveries. */
  readonly api: lambda.IFunction & iam.IGrantable;
  /** Pushes `actions.changed` to browsers after an engine run. @default - no push (the hub polls slowly) */
  readonly webSocket?: PushWebSocketApi;
}

/** The action events' retry policy on a rule target: EventBridge's own retries before the DLQ. */
export const ACTION_SYNC_RETRY = { retryAttempts: 8, maxEventAge: Duration.hours(24) } as const;

/**
 * Lambda's own retry policy once EventBridge has handed an event over (rules invoke functions asynchronously): a
 * function error is retried twice, an event throttled for longer than 6 hours expires; either way the invocation
 * record (event, error) goes to the function's on-failure queue instead of being dropped.
 */
export const ACTION_DELIVER_ASYNC_RETRY = { retryAttempts: 2, maxEventAge: Duration.hours(6) } as const;

/** The daily pass: retried twice, and still worth running up to 6 hours late (before the working day). */
export const ACTION_DAILY_ASYNC_RETRY = { retryAttempts: 2, maxEventAge: Duration.hours(6) } as const;

/**
 * An SQS queue receiving the invocation records of a function's failed asynchronous invocations (Lambda
 * destinations): SSE with the SQS KMS key, TLS only, 14 days to act. Its construct id ends in `OnFailure`, so
 * `Operations` alarms on its depth.
 */
export function onFailureQueue(scope: Construct, id: string, what: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      `On-failure destination of ${what}: it holds invocation records (event and error) that an operator reads and ` +
      're-drives by hand (docs/runbook.md#dead-letters); nothing consumes it automatically, so a DLQ behind it would ' +
      'never receive anything.',
  });
  return queue;
}

/**
 * The Action Hub's event-driven side (docs/actions.md):
 * - an EventBridge bus (name generated per stack) carrying `promptpulse.action.created` / `.updated`;
 * - the sync rule (the same pattern as the local bus, `ACTION_SYNC_EVENT_PATTERN`) targeting the delivery function,
 *   which sends each workspace-configured integration its signed POST (HMAC needs the tenant's secret, which API
 *   destinations cannot compute), with EventBridge retries and an SQS dead-letter queue for events it could not
 *   hand over, and Lambda's retries and an on-failure queue for invocations that failed once handed over;
 * - for HubSpot / Salesforce integrations, the rights the API needs to give each its own connection (token held by
 *   EventBridge), API destination, tenant rule and input-transformer target at run time, the role those targets
 *   invoke with, and the same DLQ;
 * - the engine: a Kinesis consumer that runs after every `run.completed`, and a daily schedule (its failed
 *   invocations also kept in an on-failure queue).
 */
export class ActionSync extends Construct {
  readonly bus: events.EventBus;
  /** Events EventBridge could not hand to a sync rule target (the delivery function or an API destination). */
  readonly deadLetterQueue: sqs.Queue;
  /** Invocation records of delivery runs that failed after Lambda's retries (the event is in `requestPayload`). */
  readonly deliverFailures: sqs.Queue;
  /** Invocation records of daily passes that failed after Lambda's retries. */
  readonly dailyFailures: sqs.Queue;
  readonly deliver: NodeFunction;
  readonly engine: NodeFunction;
  readonly daily: NodeFunction;
  readonly syncRule: events.Rule;
  /** The role the rule targets of HubSpot / Salesforce integrations invoke their API destinations with. */
  readonly apiDestinationRole: iam.Role;

  constructor(scope: Construct, id: string, props: ActionSyncProps) {
    super(scope, id);
    // No fixed name: CloudFormation derives one from the stack and construct path, so two copies (stack prefixes) can
    // share an account; functions read it from ACTION_BUS_NAME.
    this.bus = new events.EventBus(this, 'Bus');
    this.deadLetterQueue = new sqs.Queue(this, 'SyncDlq', {
      // SSE-SQS, not the AWS managed KMS key: EventBridge writes dead letters as its service principal, and the
      // `aws/sqs` key policy only admits principals of this account calling through SQS, so EventBridge could not
      // encrypt with it and the dead letters would be lost (InvocationsFailedToBeSentToDLQ). The Lambda on-failure
      // queues below are written with the functions' own roles, which that key policy admits.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the action sync rule targets; an operator re-drives from it (or from ' +
        'the per-integration delivery log in the app). A DLQ behind a DLQ would never receive anything.',
    });

    const env = {
      TABLE_NAME: props.table.table.tableName,
      ACTION_BUS_NAME: this.bus.eventBusName,
      ...(props.webSocket ? { WS_MANAGEMENT_ENDPOINT: props.webSocket.managementEndpoint } : {}),
    };
    const fn = (cid: string, entry: string, description: string) =>
      new NodeFunction(this, cid, {
        entry,
        description,
        serviceName: `promptpulse-${cid.toLowerCase()}`,
        memorySize: 512,
        timeout: Duration.minutes(5),
        logRetention: props.logRetention,
        environment: env,
      });

    // Delivery of workspace integrations (signed webhooks, HubSpot/Salesforce task shapes).
    this.deliver = fn(
      'ActionDeliver',
      'functions/handlers/actions/deliver.ts',
      'PromptPulse action sync to CRM integrations',
    );
    props.table.grantItemReadWrite(this.deliver.function);
    // The rule's DLQ only receives events EventBridge could not hand over; once Lambda accepted one (asynchronous
    // invocation), a failing function is Lambda's to retry, and without a destination the event would be dropped.
    this.deliverFailures = onFailureQueue(this, 'DeliverOnFailure', 'the action delivery function');
    this.deliver.function.configureAsyncInvoke({
      ...ACTION_DELIVER_ASYNC_RETRY,
      onFailure: new SqsDestination(this.deliverFailures),
    });
    this.syncRule = new events.Rule(this, 'SyncRule', {
      eventBus: this.bus,
      description: 'action.created / action.updated to the workspace integrations',
      eventPattern: {
        source: [...ACTION_SYNC_EVENT_PATTERN.source],
        detailType: [...ACTION_SYNC_EVENT_PATTERN['detail-type']],
      },
    });
    this.syncRule.addTarget(
      new targets.LambdaFunction(this.deliver.function, {
        ...ACTION_SYNC_RETRY,
        deadLetterQueue: this.deadLetterQueue,
      }),
    );

    // HubSpot / Salesforce integrations: the API provisions one connection, API destination, rule and target per
    // integration at run time (functions/adapters/aws/eventbridge-api-destinations.ts); here, what it may do.
    this.apiDestinationRole = this.grantApiDestinationProvisioning(props.api);
    for (const f of [props.api, this.deliver.function]) {
      if (!(f instanceof lambda.Function)) continue;
      f.addEnvironment('ACTION_API_DESTINATION_ROLE_ARN', this.apiDestinationRole.roleArn);
      f.addEnvironment('ACTION_API_DESTINATION_DLQ_ARN', this.deadLetterQueue.queueArn);
    }

    // The API publishes events and runs "send test event" / re-drive itself.
    this.bus.grantPutEventsTo(props.api);
    if (props.api instanceof lambda.Function) props.api.addEnvironment('ACTION_BUS_NAME', this.bus.eventBusName);

    // The engine: after every completed run (its own consumer of the event stream) and daily.
    this.engine = fn(
      'ActionEngine',
      'functions/handlers/actions/engine-lambda.ts',
      'PromptPulse action engine after runs',
    );
    this.daily = fn('ActionDaily', 'functions/handlers/actions/daily-lambda.ts', 'PromptPulse action engine, daily');
    for (const f of [this.engine, this.daily]) {
      props.table.grantItemReadWrite(f.function);
      this.bus.grantPutEventsTo(f.function);
      props.webSocket?.grantManageConnections(f.function);
    }
    const engineFailures = new sqs.Queue(this, 'EngineOnFailure', {
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(engineFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'On-failure destination of the engine consumer (pointers to batches given up on); nothing reads it automatically.',
    });
    this.engine.function.addEventSource(
      new KinesisEventSource(props.eventStream.stream, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        // A poison record is isolated by halving the batch instead of holding up the shard for every retry, and a
        // record is never retried past the stream's retention.
        bisectBatchOnError: true,
        retryAttempts: 3,
        maxRecordAge: maxRecordAgeFor(props.eventStream),
        parallelizationFactor: 1,
        onFailure: new SqsDlq(engineFailures),
      }),
    );
    new events.Rule(this, 'DailyRule', {
      description: 'Daily Action Hub refresh and outcome checks',
      schedule: events.Schedule.cron({ minute: '15', hour: '5' }),
      targets: [new targets.LambdaFunction(this.daily.function, { retryAttempts: 2 })],
    });
    // A daily pass that fails after Lambda's retries is otherwise invisible: it runs too rarely for the error-rate
    // alarm (at least 10 invocations in 5 minutes), so its on-failure queue is what alarms.
    this.dailyFailures = onFailureQueue(this, 'DailyOnFailure', 'the daily Action Hub pass');
    this.daily.function.configureAsyncInvoke({
      ...ACTION_DAILY_ASYNC_RETRY,
      onFailure: new SqsDestination(this.dailyFailures),
    });
  }

  /**
   * The API function's rights over per-integration API destinations, scoped to the name prefix and this bus: create,
   * update and delete connections and API destinations named `ppcrm-*`, put and delete rules `ppcrm-*` on the actions
   * bus and their targets, pass the role targets invoke API destinations with, and create EventBridge's service-linked
   * role that keeps connection secrets in Secrets Manager (first connection of an account). The role and the DLQ's
   * policy (EventBridge may send dead letters of those rules) are created here.
   */
  private grantApiDestinationProvisioning(api: iam.IGrantable): iam.Role {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'events', resource, resourceName });
    const named = `${API_DESTINATION_NAME_PREFIX}*`;
    const ruleArns = arn('rule', `${this.bus.eventBusName}/${named}`);
    const role = new iam.Role(this, 'ApiDestinationRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Rule targets of HubSpot / Salesforce integrations invoke their API destinations',
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['events:InvokeApiDestination'], resources: [arn('api-destination', named)] }),
    );
    api.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'events:CreateConnection',
          'events:UpdateConnection',
          'events:DeleteConnection',
          'events:CreateApiDestination',
          'events:UpdateApiDestination',
          'events:DeleteApiDestination',
        ],
        resources: [arn('connection', named), arn('api-destination', named)],
      }),
    );
    api.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
        resources: [ruleArns],
      }),
    );
    api.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } },
      }),
    );
    api.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [
          stack.formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName:
              'aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations',
          }),
        ],
        conditions: { StringEquals: { 'iam:AWSServiceName': 'apidestinations.events.amazonaws.com' } },
      }),
    );
    // The names are only known at run time (one set per integration): the prefix is the narrowest scope there is.
    const finding = (resource: string) =>
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:${resource}]`;
    const reason =
      'Per-integration API destinations are created at run time, one connection, destination and rule per HubSpot / ' +
      `Salesforce integration, all named ${named} (docs/actions.md#api-destinations); the rules only on this bus.`;
    const policyOf = (principal: iam.IPrincipal) =>
      principal instanceof iam.Role ? principal.node.tryFindChild('DefaultPolicy') : undefined;
    const apiPolicy = policyOf(api.grantPrincipal);
    const rolePolicy = policyOf(role);
    for (const id of [
      `api-destination/${named}`,
      `connection/${named}`,
      `rule/<${stack.getLogicalId(this.bus.node.defaultChild as events.CfnEventBus)}>/${named}`,
    ]) {
      if (apiPolicy) Validations.of(apiPolicy).acknowledge({ id: finding(id), reason });
    }
    if (rolePolicy) Validations.of(rolePolicy).acknowledge({ id: finding(`api-destination/${named}`), reason });
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: { ArnLike: { 'aws:SourceArn': ruleArns } },
      }),
    );
    return role;
  }
}
