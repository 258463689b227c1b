import { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  ACTION_DAILY_ASYNC_RETRY,
  ACTION_DELIVER_ASYNC_RETRY,
  type ActionSync,
} from '../../cdk/constructs/action-sync.ts';
import { OPERATIONS_THRESHOLDS } from '../../cdk/constructs/operations.ts';
import { TICK_ASYNC_RETRY } from '../../cdk/constructs/run-scheduler.ts';
import { defaultTemplates, logicalIdOf, statefulValueRef } from './support.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

/**
 * Functions that EventBridge rules and EventBridge Scheduler invoke are invoked asynchronously: once Lambda has
 * accepted the event, the rule's or schedule's dead-letter queue never sees it again, and Lambda drops it after its
 * own retries unless the function has an on-failure destination. These tests find every such function in the
 * stateless template (so a new rule or schedule target is checked too) and follow each to its queue and alarm.
 */
describe('asynchronously invoked functions keep what they fail on', () => {
  const { app, stateless } = defaultTemplates();
  const stack = app.stateless;
  const resources = stateless.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const getAttArn = (value: unknown) => {
    const att = (value as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
    return att?.[1] === 'Arn' ? att[0] : undefined;
  };
  /** `ActionSync/ActionDeliver` for the CloudFormation function of that `NodeFunction`. */
  const pathOf = (logicalId: string) => {
    const element = stack.node.findAll().find((c) => CfnElement.isCfnElement(c) && logicalIdOf(c) === logicalId);
    return (element?.node.path ?? logicalId).slice(stack.node.path.length + 1).replace(/\/Function\/Resource$/, '');
  };

  const ruleTargets = ofType('AWS::Events::Rule').flatMap(([, rule]) =>
    ((rule.Properties.Targets ?? []) as { Arn: unknown }[]).map((target) => getAttArn(target.Arn)),
  );
  const scheduleTargets = ofType('AWS::Scheduler::Schedule').map(([, schedule]) =>
    getAttArn((schedule.Properties.Target as { Arn: unknown }).Arn),
  );
  const asyncFunctions = [...new Set([...ruleTargets, ...scheduleTargets])].filter(
    (id): id is string => id !== undefined && resources[id]?.Type === 'AWS::Lambda::Function',
  );
  const invokeConfigOf = (functionId: string) =>
    ofType('AWS::Lambda::EventInvokeConfig').find(
      ([, config]) => (config.Properties.FunctionName as { Ref?: string }).Ref === functionId,
    )?.[1];
  /** Every asynchronously invoked function must have one; none is exempt. */
  const KNOWN_WITHOUT_DESTINATION: string[] = [];

  it('finds the delivery function, the daily pass and the scheduler tick among them', () => {
    const paths = asyncFunctions.map(pathOf);
    expect(paths).toEqual(
      expect.arrayContaining(['ActionSync/ActionDeliver', 'ActionSync/ActionDaily', 'Scheduler/Tick']),
    );
  });

  it('every one has an SQS on-failure destination (encrypted, TLS only, 14 days), alarmed on depth', () => {
    const missing: string[] = [];
    for (const functionId of asyncFunctions) {
      const config = invokeConfigOf(functionId);
      const queueId = getAttArn(
        (config?.Properties.DestinationConfig as { OnFailure?: { Destination: unknown } } | undefined)?.OnFailure
          ?.Destination,
      );
      if (!queueId) {
        missing.push(pathOf(functionId));
        continue;
      }
      const path = pathOf(functionId);
      const queue = resources[queueId];
      expect(queue?.Type, path).toBe('AWS::SQS::Queue');
      expect(queue?.Properties.KmsMasterKeyId, path).toBe('alias/aws/sqs');
      expect(queue?.Properties.MessageRetentionPeriod, path).toBe(14 * 24 * 3600);
      const tlsOnly = ofType('AWS::SQS::QueuePolicy').some(
        ([, policy]) =>
          JSON.stringify(policy.Properties.Queues).includes(`"${queueId}"`) &&
          JSON.stringify(policy.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
      );
      expect(tlsOnly, `${path}: TLS-only queue policy`).toBe(true);
      // The function's role may send to it (Lambda sends the invocation record as the function).
      const roleId = getAttArn(resources[functionId]?.Properties.Role);
      expect(roleId, `${path}: role`).toBeDefined();
      const sends = ofType('AWS::IAM::Policy').some(
        ([, policy]) =>
          JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`) &&
          JSON.stringify(policy.Properties.PolicyDocument).includes('sqs:SendMessage') &&
          JSON.stringify(policy.Properties.PolicyDocument).includes(`"${queueId}"`),
      );
      expect(sends, `${path}: role may SendMessage to its queue`).toBe(true);
      // Operations discovers the queue (its id ends in OnFailure) and alarms on any visible message.
      const depth = ofType('AWS::CloudWatch::Alarm').find(
        ([, alarm]) =>
          alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(alarm.Properties.Dimensions).includes(`"${queueId}"`),
      )?.[1];
      expect(depth, `${path}: depth alarm`).toBeDefined();
      expect(depth?.Properties.Threshold).toBe(OPERATIONS_THRESHOLDS.deadLetterMessages);
      expect(depth?.Properties.AlarmActions, `${path}: the alarm notifies the topic in prod`).toHaveLength(1);
      expect(String(depth?.Properties.AlarmDescription)).toContain('docs/runbook.md#dead-letters');
    }
    for (const path of missing)
      expect(KNOWN_WITHOUT_DESTINATION, `${path} has no on-failure destination`).toContain(path);
  });

  it('bounds Lambda retries and event age per function', () => {
    const expected = [
      [stack.node.findChild('ActionSync').node.findChild('ActionDeliver'), ACTION_DELIVER_ASYNC_RETRY],
      [stack.node.findChild('ActionSync').node.findChild('ActionDaily'), ACTION_DAILY_ASYNC_RETRY],
      [stack.scheduler.tick, TICK_ASYNC_RETRY],
    ] as const;
    for (const [construct, retry] of expected) {
      const functionId = logicalIdOf(construct.node.findChild('Function'));
      expect(invokeConfigOf(functionId)?.Properties, construct.node.path).toMatchObject({
        Qualifier: '$LATEST',
        MaximumRetryAttempts: retry.retryAttempts,
        MaximumEventAgeInSeconds: retry.maxEventAge.toSeconds(),
      });
    }
    // A late tick is worthless (the next one a minute later picks up what is due): no Lambda retry.
    expect(TICK_ASYNC_RETRY.retryAttempts).toBe(0);
  });
});

describe("the action sync rule's dead-letter queue is one EventBridge can write to", () => {
  const { app, stateless } = defaultTemplates();
  const resources = stateless.toJSON().Resources as Record<string, Resource>;
  const sync = app.stateless.node.findChild('ActionSync') as ActionSync;
  const dlqId = logicalIdOf(sync.deadLetterQueue);

  it('is encrypted with SSE-SQS (EventBridge cannot use the aws/sqs KMS key) and TLS only', () => {
    // The AWS managed key's policy admits only principals of the account calling through SQS; EventBridge sends
    // dead letters as the events.amazonaws.com service principal.
    expect(resources[dlqId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(resources[dlqId]?.Properties.KmsMasterKeyId).toBeUndefined();
    const policy = Object.values(resources).find(
      (r) => r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties.Queues).includes(`"${dlqId}"`),
    );
    const document = JSON.stringify(policy?.Properties.PolicyDocument);
    expect(document).toContain('"aws:SecureTransport":"false"');
    expect(document).toContain('"Service":"events.amazonaws.com"');
  });

  it('is the dead-letter queue of the sync rule target', () => {
    const rule = resources[logicalIdOf(sync.syncRule)];
    const targets = (rule?.Properties.Targets ?? []) as { DeadLetterConfig: { Arn: unknown } }[];
    expect(targets).toHaveLength(1);
    expect(targets[0]?.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [dlqId, 'Arn'] });
  });
});

describe('the Cognito sign-in trigger is alarmed (it lives in the stateful stack)', () => {
  const { app, stateless, stateful } = defaultTemplates();
  const alarms = Object.values(stateless.toJSON().Resources as Record<string, Resource>).filter(
    (r) => r.Type === 'AWS::CloudWatch::Alarm',
  );
  const trigger = app.stateful.users.tokenTrigger.function;

  it.each([
    ['Errors', /pre-token-generation trigger failed/],
    ['Throttles', /pre-token-generation trigger was throttled/],
  ])('%s: any in 2 of 3 five-minute periods, on the stateful function, to the alarm topic', (metric, pattern) => {
    const matching = alarms.filter((a) => pattern.test(String(a.Properties.AlarmDescription)));
    expect(matching).toHaveLength(1);
    expect(matching[0]?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: metric,
      Statistic: 'Sum',
      Period: 300,
      Threshold: OPERATIONS_THRESHOLDS.signInTriggerFailures,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      Dimensions: [{ Name: 'FunctionName', Value: statefulValueRef(trigger.functionName) }],
    });
    expect(matching[0]?.Properties.AlarmActions).toHaveLength(1);
    expect(String(matching[0]?.Properties.AlarmDescription)).toContain('docs/runbook.md#sign-in-trigger');
  });

  it('adds no alarm to the stateful stack and no reference from the stateful stack to the stateless one', () => {
    expect(Object.keys(stateful.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(0);
    expect(JSON.stringify(stateful.toJSON())).not.toContain(app.stateless.stackName);
  });
});
