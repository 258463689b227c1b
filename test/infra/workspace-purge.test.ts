import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PURGE_DIRECTORY_ACTIONS } from '../../cdk/constructs/workspace-purge.ts';
import { buildTestApp, defaultTemplates, logicalIdOf } from './support.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, navigated by the assertions below
type CfnProperties = Record<string, any>;
type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

/**
 * The workspace purge in AWS (cdk/constructs/workspace-purge.ts): scheduled hourly in the PromptPulse schedule group,
 * asynchronous failures kept, and a role with the purge's own calls only.
 */
describe('workspace purge', () => {
  const { app, stateless } = defaultTemplates();
  const purge = app.stateless.workspacePurge;
  const resources = stateless.toJSON().Resources as Record<string, { Type: string; Properties: CfnProperties }>;
  const functionId = logicalIdOf(purge.function.function);
  const statementsOf = (template: Template, roleId: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } })).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );
  const statements = statementsOf(stateless, logicalIdOf(purge.function.role));
  const actionsOf = (s: Statement) => [s.Action].flat();
  const withAction = (action: string) => statements.filter((s) => actionsOf(s).includes(action));

  it('is invoked hourly by a schedule of the PromptPulse group, with retries and the group’s dead-letter queue', () => {
    const schedule = resources[logicalIdOf(purge.schedule)]?.Properties;
    expect(schedule?.ScheduleExpression).toBe('rate(1 hour)');
    expect(schedule?.GroupName).toEqual(app.stateless.resolve(app.stateless.schedules.group.scheduleGroupName));
    expect(schedule?.Target.Arn).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    expect(schedule?.Target.RoleArn).toEqual({ 'Fn::GetAtt': [logicalIdOf(app.stateless.schedules.role), 'Arn'] });
    expect(schedule?.Target.DeadLetterConfig.Arn).toEqual({
      'Fn::GetAtt': [logicalIdOf(app.stateless.schedules.deadLetterQueue), 'Arn'],
    });
    expect(schedule?.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
  });

  it('keeps a failed run in its on-failure queue (one Lambda retry, an hour at most)', () => {
    const config = Object.values(resources).find(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName.Ref === functionId,
    )?.Properties;
    expect(config?.MaximumRetryAttempts).toBe(1);
    expect(config?.MaximumEventAgeInSeconds).toBe(3600);
    expect(config?.DestinationConfig.OnFailure.Destination).toEqual({
      'Fn::GetAtt': [logicalIdOf(purge.failures), 'Arn'],
    });
  });

  it('reads the table, the lake bucket and the user pool from the environment, and has no reserved concurrency', () => {
    const fn = resources[functionId]?.Properties;
    expect(Object.keys(fn?.Environment.Variables)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'LAKE_BUCKET', 'USER_POOL_ID']),
    );
    expect(fn?.Environment.Variables.WAREHOUSE).toBeUndefined();
    expect(fn?.Timeout).toBe(900);
    // prod reserves concurrency for some jobs; the purge is hourly and resumable, so it reserves none.
    expect(fn?.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('may Scan the table but delete only tenant items, directory entries and use its own ledger', () => {
    const leading = (s: Statement) =>
      (s.Condition?.['ForAllValues:StringLike'] as { 'dynamodb:LeadingKeys'?: string[] } | undefined)?.[
        'dynamodb:LeadingKeys'
      ];
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.map((s) => [actionsOf(s).sort(), leading(s) ?? null])).toEqual([
      [['dynamodb:Scan'], null],
      [['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:Query'], ['ws_*']],
      [['dynamodb:DeleteItem'], ['USER#*']],
      [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], ['LIFECYCLE#DELETION']],
    ]);
    // No index, no table management, no UpdateItem anywhere.
    expect(dynamo.every((s) => !JSON.stringify(s.Resource).includes('/index/'))).toBe(true);
  });

  it('lists and deletes objects under tenants/ only, and reads none', () => {
    const list = withAction('s3:ListBucket');
    expect(list).toHaveLength(1);
    expect(list[0]?.Condition).toEqual({ StringLike: { 's3:prefix': ['tenants/*'] } });
    const deletes = withAction('s3:DeleteObject');
    expect(deletes).toHaveLength(1);
    expect(JSON.stringify(deletes[0]?.Resource)).toMatch(/"\/tenants\/\*"\]\]\}$/);
    const s3Actions = statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:'));
    expect(s3Actions.sort()).toEqual(['s3:DeleteObject', 's3:ListBucket']);
  });

  it('clears role groups in the user pool and nothing else there', () => {
    const cognito = statements.flatMap(actionsOf).filter((a) => a.startsWith('cognito-idp:'));
    expect(cognito.sort()).toEqual([...PURGE_DIRECTORY_ACTIONS].sort());
  });

  it('no other function than the purge and the core API (workspace export) may Scan the table', () => {
    const scanners = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((p) =>
        (p.Properties.PolicyDocument.Statement as Statement[]).some((s) => actionsOf(s).includes('dynamodb:Scan')),
      )
      .flatMap((p) => (p.Properties.Roles as { Ref: string }[]).map((r) => r.Ref));
    expect(scanners.sort()).toEqual(
      [logicalIdOf(purge.function.role), logicalIdOf(app.stateless.service.handler.role)].sort(),
    );
  });

  it('with Snowflake as the warehouse, reads that secret only and gets its settings', () => {
    const other = buildTestApp({ stage: 'prod', snowflakeAccountUrl: 'https://ab12345.snowflakecomputing.com' });
    const template = Template.fromStack(other.stateless);
    const fn = template.toJSON().Resources[logicalIdOf(other.stateless.workspacePurge.function.function)];
    expect(fn.Properties.Environment.Variables.WAREHOUSE).toBe('snowflake');
    expect(Object.keys(fn.Properties.Environment.Variables)).toContain('SNOWFLAKE_PRIVATE_KEY_SECRET_ARN');
    const secretReads = statementsOf(template, logicalIdOf(other.stateless.workspacePurge.function.role)).filter((s) =>
      actionsOf(s).includes('secretsmanager:GetSecretValue'),
    );
    expect(secretReads).toHaveLength(1);
  });
});
