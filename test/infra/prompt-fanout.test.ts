import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { allStates, loadAsl, stateTimeoutSeconds, withDistributedMap } from '../../cdk/asl.ts';
import { DISTRIBUTED_MAP_PATH, PROMPT_FANOUT_ASL, PROVIDER_SDKS } from '../../cdk/constructs/prompt-fanout.ts';
import { buildTestApp, defaultTemplates, logicalIdOf, statefulValueRef } from './support.ts';

const STEPS = ['Plan', 'Ask', 'Analyze', 'RecordFailure', 'Finalize'] as const;

describe('withDistributedMap (pure ASL transformation)', () => {
  const asl = loadAsl(PROMPT_FANOUT_ASL);

  it('switches only the per-item Map to a Distributed Map with STANDARD child executions', () => {
    const distributed = withDistributedMap(asl, DISTRIBUTED_MAP_PATH);
    const modes = Object.fromEntries(
      allStates(distributed)
        .filter(([, state]) => state.Type === 'Map')
        .map(([name, state]) => [name, state.ItemProcessor?.ProcessorConfig]),
    );
    expect(modes).toEqual({
      Providers: { Mode: 'INLINE' },
      Items: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    });
    // Items still come from the state input (indices only): no ItemReader, selector and concurrency untouched.
    const items = distributed.States.Providers?.ItemProcessor?.States.Items;
    const original = asl.States.Providers?.ItemProcessor?.States.Items;
    expect(items?.ItemReader).toBeUndefined();
    expect({ ...items, ItemProcessor: undefined }).toEqual({ ...original, ItemProcessor: undefined });
    // The children's terminal states end with an empty output (the gathered result stays small, first-deploy.test.ts).
    const withoutOutputPath = (states: Record<string, object> = {}) =>
      Object.fromEntries(Object.entries(states).map(([name, state]) => [name, { ...state, OutputPath: undefined }]));
    expect(withoutOutputPath(items?.ItemProcessor?.States)).toEqual(withoutOutputPath(original?.ItemProcessor?.States));
  });

  it('leaves its input (the file the local runner executes) inline', () => {
    const before = JSON.stringify(asl);
    withDistributedMap(asl, DISTRIBUTED_MAP_PATH);
    expect(JSON.stringify(asl)).toBe(before);
    expect(asl.States.Providers?.ItemProcessor?.States.Items?.ItemProcessor?.ProcessorConfig).toEqual({
      Mode: 'INLINE',
    });
  });

  it('refuses a path that does not lead to a Map, so a renamed state fails synthesis', () => {
    expect(() => withDistributedMap(asl, ['Providers', 'Nope'])).toThrow(/Providers > Nope/);
    expect(() => withDistributedMap(asl, ['Plan'])).toThrow(/not a Map/);
    expect(() => withDistributedMap(asl, ['Plan', 'Items'])).toThrow(/not a Map/);
    expect(() => withDistributedMap(asl, [])).toThrow(/empty/);
  });

  it('reads TimeoutSeconds of nested states by name', () => {
    expect(STEPS.map((step) => stateTimeoutSeconds(asl, step))).toEqual([300, 300, 60, 60, 300]);
    expect(() => stateTimeoutSeconds(asl, 'Done')).toThrow(/no TimeoutSeconds/);
  });
});

describe('prompt fan-out in the stateless stack', () => {
  const { app, stateless: template, stateful } = defaultTemplates();
  const stack = app.stateless;
  const fanout = stack.fanout;
  /** The template's resources by logical id (CloudFormation JSON, as the assertions library types it). */
  const resources = template.toJSON().Resources;
  const fnId = (step: (typeof STEPS)[number]) => logicalIdOf(fanout.steps[step].function);
  const smId = logicalIdOf(fanout.stateMachine);
  const tickId = logicalIdOf(stack.scheduler.tick.function);
  const apiId = logicalIdOf(stack.service.handler.function);

  /** Every Allow statement attached to a role, by any policy. */
  function statementsOf(roleId: string): { Action: string | string[]; Resource: unknown }[] {
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((r) =>
        (r.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
      )
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
  }
  const actionsOf = (roleId: string) => [...new Set(statementsOf(roleId).flatMap((s) => [s.Action].flat()))].sort();
  const resourcesFor = (roleId: string, action: string) =>
    statementsOf(roleId)
      .filter((s) => [s.Action].flat().includes(action))
      .flatMap((s) => [s.Resource].flat());
  const roleIdOf = (step: (typeof STEPS)[number]) => logicalIdOf(fanout.steps[step].role);

  const TABLE_ACTIONS = [
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
  ];
  const LOG_AND_TRACE = [
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'xray:PutTelemetryRecords',
    'xray:PutTraceSegments',
  ];
  const PUSH = ['execute-api:ManageConnections'];
  const PUBLISH = ['kinesis:PutRecords'];

  describe('state machine', () => {
    const sm = resources[smId]!.Properties;

    it('is STANDARD, logs ALL events without execution data, and traces with X-Ray', () => {
      expect(sm.StateMachineType).toBe('STANDARD');
      expect(sm.LoggingConfiguration).toEqual({
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logicalIdOf(fanout.logGroup), 'Arn'] } } },
        ],
        IncludeExecutionData: false,
        Level: 'ALL',
      });
      expect(sm.TracingConfiguration).toEqual({ Enabled: true });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: '/aws/vendedlogs/states/PromptPulse-Stateless-prompt-fanout',
        RetentionInDays: 90,
      });
    });

    it('is the ASL file with the per-item Map distributed, substituted with the five step functions', () => {
      const definition = JSON.parse(sm.DefinitionString);
      expect(definition).toEqual(withDistributedMap(loadAsl(PROMPT_FANOUT_ASL), DISTRIBUTED_MAP_PATH));
      expect(definition.States.Providers.ItemProcessor.States.Items.ItemProcessor.ProcessorConfig).toEqual({
        Mode: 'DISTRIBUTED',
        ExecutionType: 'STANDARD',
      });
      const placeholders = [...new Set((sm.DefinitionString as string).match(/\$\{\w+\}/g))].sort();
      expect(placeholders).toEqual(STEPS.map((step) => `\${${step}FunctionArn}`).sort());
      expect(sm.DefinitionSubstitutions).toEqual(
        Object.fromEntries(STEPS.map((step) => [`${step}FunctionArn`, { 'Fn::GetAtt': [fnId(step), 'Arn'] }])),
      );
    });

    it('may invoke exactly the five functions (unqualified ARNs, no wildcard)', () => {
      const roleId = logicalIdOf(fanout.stateMachine.role);
      const sorted = (values: unknown[]) => values.map((v) => JSON.stringify(v)).sort();
      expect(sorted(resourcesFor(roleId, 'lambda:InvokeFunction'))).toEqual(
        sorted(STEPS.map((step) => ({ 'Fn::GetAtt': [fnId(step), 'Arn'] }))),
      );
    });

    it('may start, describe and stop its own child executions (Distributed Map), in a policy of its own', () => {
      const roleId = logicalIdOf(fanout.stateMachine.role);
      expect(resourcesFor(roleId, 'states:StartExecution')).toEqual([{ Ref: smId }]);
      const children = resourcesFor(roleId, 'states:StopExecution');
      expect(resourcesFor(roleId, 'states:DescribeExecution')).toEqual(children);
      expect(children).toHaveLength(2);
      for (const arn of children) {
        const text = JSON.stringify(arn);
        expect(text).toContain(`"Fn::GetAtt":["${smId}","Name"]`);
        expect(text).toMatch(/:execution:"|execution:/);
        expect(text).toMatch(/"(\/|:)\*"\]\]\}$/);
      }
      // Not in the role's default policy: the state machine depends on that one (it would be a cycle).
      const defaultPolicy = resources[logicalIdOf(fanout.stateMachine.role.node.findChild('DefaultPolicy'))]!;
      expect(JSON.stringify(defaultPolicy.Properties)).not.toContain('states:');
      expect(resources[smId]).toHaveProperty('DependsOn');
    });

    it('outputs its ARN', () => {
      template.hasOutput('StateMachineArn', { Value: { Ref: smId } });
    });
  });

  describe('step functions', () => {
    it('have the timeout of their ASL state and the fan-out environment', () => {
      const asl = loadAsl(PROMPT_FANOUT_ASL);
      for (const step of STEPS) {
        const props = resources[fnId(step)]!.Properties;
        expect(props.Timeout, step).toBe(stateTimeoutSeconds(asl, step));
        expect(props.Runtime).toBe('nodejs22.x');
        expect(props.TracingConfig).toEqual({ Mode: 'Active' });
        const env = Object.keys(props.Environment.Variables).sort();
        const expected = [
          'LAKE_BUCKET',
          'NODE_OPTIONS',
          'POWERTOOLS_LOG_LEVEL',
          'POWERTOOLS_METRICS_NAMESPACE',
          'POWERTOOLS_SERVICE_NAME',
          'TABLE_NAME',
        ];
        if (step === 'Ask' || step === 'Analyze') expected.push('PROVIDER_SECRET_ARN');
        if (['Ask', 'RecordFailure', 'Finalize'].includes(step)) expected.push('WS_MANAGEMENT_ENDPOINT');
        if (['Analyze', 'Finalize'].includes(step)) expected.push('EVENT_STREAM_NAME');
        expect(env, step).toEqual(expected.sort());
      }
      expect(resources[fnId('Ask')]!.Properties.Timeout).toBe(300);
    });

    it('Plan gets the table only; Analyze the table, PutRecords on the event stream and the provider keys (judge)', () => {
      expect(actionsOf(roleIdOf('Plan'))).toEqual([...TABLE_ACTIONS, ...LOG_AND_TRACE].sort());
      expect(actionsOf(roleIdOf('Analyze'))).toEqual(
        [
          ...TABLE_ACTIONS,
          ...LOG_AND_TRACE,
          ...PUBLISH,
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ].sort(),
      );
      expect(JSON.stringify(resourcesFor(roleIdOf('Analyze'), 'secretsmanager:GetSecretValue'))).toMatch(
        /ProviderKeysSecret/,
      );
    });

    it('RecordFailure gets the table and push; Finalize also PutRecords on the event stream', () => {
      expect(actionsOf(roleIdOf('RecordFailure'))).toEqual([...TABLE_ACTIONS, ...LOG_AND_TRACE, ...PUSH].sort());
      expect(actionsOf(roleIdOf('Finalize'))).toEqual([...TABLE_ACTIONS, ...LOG_AND_TRACE, ...PUSH, ...PUBLISH].sort());
    });

    it('only Analyze and Finalize publish: PutRecords on the event stream (exactly), and its name', () => {
      const streamArn = statefulValueRef(app.stateful.eventStream.stream.streamArn);
      const streamName = statefulValueRef(app.stateful.eventStream.stream.streamName);
      for (const step of STEPS) {
        const publishes = step === 'Analyze' || step === 'Finalize';
        expect(resourcesFor(roleIdOf(step), 'kinesis:PutRecords'), step).toEqual(publishes ? [streamArn] : []);
        expect(resourcesFor(roleIdOf(step), 'kinesis:PutRecord'), step).toEqual([]);
        const env = resources[fnId(step)]!.Properties.Environment.Variables;
        if (publishes) expect(env.EVENT_STREAM_NAME, step).toEqual(streamName);
        else expect(env.EVENT_STREAM_NAME, step).toBeUndefined();
      }
    });

    it('only Ask and Analyze (the opt-in sentiment judge) carry the provider SDKs, installed rather than bundled', () => {
      for (const step of STEPS) {
        expect(fanout.steps[step].nodeModules, step).toEqual(step === 'Ask' || step === 'Analyze' ? PROVIDER_SDKS : []);
      }
    });

    it('Ask also writes raw answers under tenants/*/raw-answers/ and reads the provider keys secret', () => {
      const roleId = roleIdOf('Ask');
      expect(actionsOf(roleId)).toEqual(
        [
          ...TABLE_ACTIONS,
          ...LOG_AND_TRACE,
          ...PUSH,
          's3:PutObject',
          // The raw answer's retention tag rides on the PutObject (S3 checks PutObjectTagging for it).
          's3:PutObjectTagging',
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ].sort(),
      );
      for (const action of ['s3:PutObject', 's3:PutObjectTagging']) {
        const [objects] = resourcesFor(roleId, action);
        expect(JSON.stringify(objects)).toMatch(/promptpulselakeBucket.*"\/tenants\/\*\/raw-answers\/\*"/);
      }
      expect(resourcesFor(roleId, 'secretsmanager:GetSecretValue')).toHaveLength(1);
      expect(JSON.stringify(resourcesFor(roleId, 'secretsmanager:GetSecretValue'))).toMatch(/ProviderKeysSecret/);
      expect(JSON.stringify(resources[fnId('Ask')]!.Properties.Environment.Variables.PROVIDER_SECRET_ARN)).toMatch(
        /ProviderKeysSecret/,
      );
    });

    it('no step has a wildcard action or an S3/secret grant it does not use', () => {
      for (const step of STEPS) {
        const actions = actionsOf(roleIdOf(step));
        expect(
          actions.filter((a) => a.includes('*')),
          step,
        ).toEqual([]);
        if (step !== 'Ask') expect(actions.some((a) => a.startsWith('s3:'))).toBe(false);
        if (step !== 'Ask' && step !== 'Analyze')
          expect(actions.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
      }
    });
  });

  describe('scheduler', () => {
    it('an EventBridge Scheduler schedule in the PromptPulse group invokes the tick every minute, with a DLQ', () => {
      const groupId = logicalIdOf(stack.schedules.group);
      const roleId = logicalIdOf(stack.schedules.role);
      const dlqId = logicalIdOf(stack.schedules.deadLetterQueue);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        GroupName: resources[groupId]!.Properties.Name,
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [tickId, 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 120, MaximumRetryAttempts: 2 },
        }),
      });
      // The scheduler's role may invoke the tick (and its versions) and dead-letter, nothing else.
      // The tick and the connector-ingest schedule share the group's role.
      expect(actionsOf(roleId)).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage', 'states:StartExecution']);
      const trust = template.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument.Statement[0];
      expect(trust.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
      expect(Object.keys(trust.Condition).sort()).toEqual(['ArnLike', 'StringEquals']);
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: 'alias/aws/sqs',
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
    });

    it('the tick runs serially in prod (reserved concurrency 1) and the Ask step has a ceiling', () => {
      expect(resources[tickId]!.Properties.ReservedConcurrentExecutions).toBe(1);
      expect(resources[fnId('Ask')]!.Properties.ReservedConcurrentExecutions).toBe(50);
      for (const step of STEPS.filter((s) => s !== 'Ask')) {
        expect(resources[fnId(step)]!.Properties.ReservedConcurrentExecutions, step).toBeUndefined();
      }
    });

    it('the tick gets TABLE_NAME and STATE_MACHINE_ARN, the table and StartExecution on the state machine', () => {
      const env = resources[tickId]!.Properties.Environment.Variables;
      expect(env.STATE_MACHINE_ARN).toEqual({ Ref: smId });
      expect(env).toHaveProperty('TABLE_NAME');
      const roleId = logicalIdOf(stack.scheduler.tick.role);
      // Plus sending to its own on-failure queue (Lambda writes the record of a failed asynchronous invocation).
      const sqsActions = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
      expect(actionsOf(roleId)).toEqual(
        [...TABLE_ACTIONS, ...LOG_AND_TRACE, 'states:StartExecution', ...sqsActions].sort(),
      );
      expect(resourcesFor(roleId, 'states:StartExecution')).toEqual([{ Ref: smId }]);
      expect(resourcesFor(roleId, 'sqs:SendMessage')).toEqual([
        { 'Fn::GetAtt': [logicalIdOf(stack.scheduler.tickFailures), 'Arn'] },
      ]);
    });
  });

  it('the api function gets STATE_MACHINE_ARN and may only start executions of the fan-out', () => {
    expect(resources[apiId]!.Properties.Environment.Variables.STATE_MACHINE_ARN).toEqual({ Ref: smId });
    const roleId = logicalIdOf(stack.service.handler.role);
    // The fan-out, and otherwise only other state machines of this stack (connector ingestion), never a wildcard.
    const machines = resourcesFor(roleId, 'states:StartExecution') as unknown[];
    expect(machines).toContainEqual({ Ref: smId });
    const ownMachines = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    for (const machine of machines) expect(ownMachines).toContain((machine as { Ref: string }).Ref);
    expect(actionsOf(roleId).filter((a) => a.startsWith('states:'))).toEqual(['states:StartExecution']);
  });

  it('the provider keys secret is in the stateful stack: retained, created as {} (no key in the template)', () => {
    stateful.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ SecretString: '{}', GenerateSecretString: Match.absent() }),
    });
    stateful.hasOutput('ProviderKeysSecretArn', { Value: { Ref: logicalIdOf(app.stateful.providerKeys.secret) } });
    expect(template.findResources('AWS::SecretsManager::Secret')).toEqual({});
  });
});

describe('providerConcurrency context setting', () => {
  it('becomes PROVIDER_CONCURRENCY of every fan-out step', () => {
    const app = buildTestApp({ providerConcurrency: 'openai=8, anthropic=4' });
    const resources = Template.fromStack(app.stateless).toJSON().Resources;
    for (const step of STEPS) {
      const env = resources[logicalIdOf(app.stateless.fanout.steps[step].function)].Properties.Environment.Variables;
      expect(env.PROVIDER_CONCURRENCY, step).toBe('openai=8,anthropic=4');
    }
  });

  it('refuses a value the workers could not parse', () => {
    expect(() => buildTestApp({ providerConcurrency: 'openai:8' })).toThrow(/providerConcurrency/);
  });
});
