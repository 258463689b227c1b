import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { API_DESTINATION_NAME_PREFIX } from '../../shared/actions/crm-task.ts';
import { defaultTemplates, logicalIdOf } from './support.ts';

type Statement = {
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
  Principal?: unknown;
};
type Resource = { Type: string; Properties: Record<string, unknown> };

/**
 * HubSpot / Salesforce integrations get their EventBridge connection, API destination, rule and target at run time
 * (functions/adapters/aws/eventbridge-api-destinations.ts). The template must give the Action Hub API exactly the
 * rights for that — scoped to the `ppcrm-` names and the actions bus — the role targets invoke with, the DLQ's
 * permission for those rules, and the settings that switch the functions to that path.
 */
describe('per-integration API destinations (docs/actions.md#api-destinations)', () => {
  const { app, stateless } = defaultTemplates();
  const sync = app.stateless.actionSync;
  const resources = stateless.toJSON().Resources as Record<string, Resource>;
  const resolve = (value: unknown) => JSON.stringify(Stack.of(sync).resolve(value));
  const apiFunction = app.stateless.service.actions.function;
  const statementsOf = (roleLogicalId: string) =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleLogicalId}"`))
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  const actions = (s: Statement) => [s.Action].flat();

  it('the Action Hub API may manage only ppcrm-* connections, destinations and rules on the actions bus', () => {
    const statements = statementsOf(logicalIdOf(apiFunction.role ?? apiFunction));
    const events = statements.filter((s) =>
      actions(s).some((a) => a.startsWith('events:') && a !== 'events:PutEvents'),
    );
    const granted = events.flatMap(actions).sort();
    expect(granted).toEqual(
      [
        'events:CreateApiDestination',
        'events:CreateConnection',
        'events:DeleteApiDestination',
        'events:DeleteConnection',
        'events:DeleteRule',
        'events:PutRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:UpdateApiDestination',
        'events:UpdateConnection',
      ].sort(),
    );
    for (const s of events) {
      const resource = JSON.stringify(s.Resource);
      expect(resource).toContain(`${API_DESTINATION_NAME_PREFIX}*`);
      expect(resource).not.toMatch(/"\*"/);
      if (actions(s).includes('events:PutRule')) expect(resource).toContain(logicalIdOf(sync.bus));
    }
    const passRole = statements.find((s) => actions(s).includes('iam:PassRole'));
    expect(JSON.stringify(passRole?.Resource)).toContain(logicalIdOf(sync.apiDestinationRole));
    expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } });
    const slr = statements.find((s) => actions(s).includes('iam:CreateServiceLinkedRole'));
    expect(slr?.Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': 'apidestinations.events.amazonaws.com' } });
  });

  it('targets invoke through a role EventBridge assumes, limited to InvokeApiDestination on ppcrm-*', () => {
    const role = resources[logicalIdOf(sync.apiDestinationRole)];
    expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain('events.amazonaws.com');
    const statements = statementsOf(logicalIdOf(sync.apiDestinationRole));
    expect(statements.flatMap(actions)).toEqual(['events:InvokeApiDestination']);
    expect(JSON.stringify(statements[0]?.Resource)).toContain(`:api-destination/${API_DESTINATION_NAME_PREFIX}*`);
  });

  it('EventBridge may dead-letter events of those rules (and only those) into the sync DLQ', () => {
    const policy = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::SQS::QueuePolicy' &&
        JSON.stringify(r.Properties.Queues).includes(logicalIdOf(sync.deadLetterQueue)),
    );
    const statements = ((policy?.Properties.PolicyDocument ?? { Statement: [] }) as { Statement: Statement[] })
      .Statement;
    const fromRules = statements.find((s) => JSON.stringify(s.Condition ?? {}).includes(API_DESTINATION_NAME_PREFIX));
    expect(fromRules?.Action).toBe('sqs:SendMessage');
    expect(JSON.stringify(fromRules?.Principal)).toContain('events.amazonaws.com');
    expect(JSON.stringify(fromRules?.Condition)).toContain('ArnLike');
  });

  it('the API and the delivery function are switched to API destinations (role and DLQ in their environment)', () => {
    for (const fn of [apiFunction, sync.deliver.function]) {
      const env = (
        (resources[logicalIdOf(fn)]?.Properties.Environment ?? { Variables: {} }) as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect(resolve(env.ACTION_API_DESTINATION_ROLE_ARN)).toBe(resolve(sync.apiDestinationRole.roleArn));
      expect(resolve(env.ACTION_API_DESTINATION_DLQ_ARN)).toBe(resolve(sync.deadLetterQueue.queueArn));
    }
  });
});
