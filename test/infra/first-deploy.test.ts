import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { allStates, deployedFanoutDefinition, loadAsl } from '../../cdk/asl.ts';
import { INVITATION_MESSAGE } from '../../shared/domain/invitation-message.ts';
import { PLAN_LIMITS } from '../../shared/domain/plans.ts';
import { buildTestApp, defaultTemplates, logicalIdOf } from './support.ts';

/**
 * What a first `cdk deploy` into a new account would meet (docs/deploy.md, "New-account checklist"): each test pins
 * one fix, and fails on the template that would have rolled back or lost data.
 */
describe('first deployment into a new account', () => {
  const prod = defaultTemplates();
  const dev = buildTestApp({ stage: 'dev' });
  const devStateless = Template.fromStack(dev.stateless);

  it('dev reserves no concurrency anywhere (a new account has a quota of 10)', () => {
    const functions = devStateless.findResources('AWS::Lambda::Function');
    const reserved = Object.entries(functions).filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions);
    expect(reserved.map(([id]) => id)).toEqual([]);
    const prodWithoutReservation = buildTestApp({ stage: 'prod', reservedConcurrency: false });
    const prodFunctions = Template.fromStack(prodWithoutReservation.stateless).findResources('AWS::Lambda::Function');
    expect(Object.values(prodFunctions).filter((fn) => fn.Properties.ReservedConcurrentExecutions)).toEqual([]);
  });

  it('prod keeps the warehouse materialization serial', () => {
    const fn = prod.stateless.toJSON().Resources[logicalIdOf(prod.app.stateless.warehouseMaterializer.job.function)];
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('Lambda throttling is waited out for minutes before an item fails', () => {
    for (const file of ['state-machines/prompt-fanout.asl.json', 'state-machines/connector-ingest.asl.json']) {
      const tasks = allStates(loadAsl(file)).filter(([, state]) => state.Type === 'Task');
      expect(tasks.length).toBeGreaterThan(0);
      for (const [name, state] of tasks) {
        const retry = (state.Retry ?? []) as {
          ErrorEquals: string[];
          IntervalSeconds?: number;
          MaxAttempts?: number;
          BackoffRate?: number;
          MaxDelaySeconds?: number;
        }[];
        // The first retrier that names the throttle is the one Step Functions applies.
        const throttle = retry.find((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException'));
        expect(throttle, `${file} ${name}`).toBeDefined();
        let wait = 0;
        let delay = throttle?.IntervalSeconds ?? 1;
        for (let attempt = 0; attempt < (throttle?.MaxAttempts ?? 0); attempt++) {
          wait += Math.min(delay, throttle?.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
          delay *= throttle?.BackoffRate ?? 2;
        }
        // Before full jitter: the ceiling of the wait. A storm of due brands drains at the reserved concurrency.
        expect(wait, `${file} ${name}`).toBeGreaterThanOrEqual(300);
      }
    }
  });

  it('two copies in one account share no physical name', () => {
    const names = (prefix: string) => {
      const app = buildTestApp({ stage: 'dev', stackPrefix: prefix });
      const found = new Set<string>();
      for (const stack of [app.stateful, app.stateless]) {
        const resources = Template.fromStack(stack).toJSON().Resources as Record<
          string,
          { Type: string; Properties?: Record<string, unknown> }
        >;
        for (const resource of Object.values(resources)) {
          for (const [key, value] of Object.entries(resource.Properties ?? {})) {
            // Physical names: `Name`, `<Thing>Name` (BusName, DashboardName, LogGroupName, ...) and Cognito's Domain.
            if (!/Name$/.test(key) && !(resource.Type === 'AWS::Cognito::UserPoolDomain' && key === 'Domain')) continue;
            if (key === 'StageName' || key === 'RouteKey' || key === 'DeliveryStreamName') continue;
            found.add(`${resource.Type} ${key} ${JSON.stringify(value)}`);
          }
        }
      }
      return found;
    };
    const first = names('PromptPulse');
    const second = names('PromptPulseStaging');
    const shared = [...first].filter((name) => second.has(name) && !/"Ref"|"Fn::GetAtt"|"Fn::ImportValue"/.test(name));
    // Fixed names that are not physical (metric names, parameter names of processors) are filtered by their type.
    const physical = shared.filter(
      (entry) =>
        /^AWS::(Events::EventBus|Cognito::UserPoolDomain|Logs::LogGroup|CloudWatch::Dashboard|Scheduler::ScheduleGroup|SQS::Queue|SNS::Topic|Lambda::Function|DynamoDB|S3::Bucket|Kinesis::Stream)/.test(
          entry,
        ) &&
        / (Name|BusName|Domain|FunctionName|QueueName|TopicName|TableName|BucketName|LogGroupName|DashboardName) /.test(
          entry,
        ),
    );
    expect(physical).toEqual([]);
  });

  it('refuses a context value that cannot deploy, naming the setting', () => {
    expect(() => buildTestApp({ authDomainPrefix: 'my-cognito-login' })).toThrow(/authDomainPrefix/);
    expect(() => buildTestApp({ authDomainPrefix: 'Upper_Case' })).toThrow(/authDomainPrefix/);
    expect(() => buildTestApp({ stackPrefix: '9lives' })).toThrow(/stackPrefix/);
    expect(() => buildTestApp({ streamRetentionHours: 12 })).toThrow(/streamRetentionHours/);
    expect(() => buildTestApp({ streamShards: 1.5 })).toThrow(/streamShards/);
    expect(() => buildTestApp({ streamShards: -1 })).toThrow(/streamShards/);
  });

  it('a dev stage provisions one stream shard (its fixed cost), prod stays on-demand; context overrides either', () => {
    Template.fromStack(dev.stateful).hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 1,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
    prod.stateful.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    const scaled = Template.fromStack(buildTestApp({ stage: 'dev', streamShards: 4 }).stateful);
    scaled.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 4 });
    const onDemand = Template.fromStack(buildTestApp({ stage: 'dev', streamShards: 0 }).stateful);
    onDemand.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
  });

  it('the stream keeps a week in prod and the consumers retry up to that age, bisecting poison batches', () => {
    prod.stateful.hasResourceProperties('AWS::Kinesis::Stream', { RetentionPeriodHours: 168 });
    Template.fromStack(dev.stateful).hasResourceProperties('AWS::Kinesis::Stream', { RetentionPeriodHours: 24 });
    const mappings = Object.values(prod.stateless.findResources('AWS::Lambda::EventSourceMapping'));
    const kinesis = mappings.filter((m) => m.Properties.StartingPosition);
    expect(kinesis.length).toBe(2);
    for (const mapping of kinesis) {
      expect(mapping.Properties.MaximumRecordAgeInSeconds).toBe(7 * 24 * 3600);
      expect(mapping.Properties.BisectBatchOnFunctionError).toBe(true);
      expect(mapping.Properties.DestinationConfig.OnFailure.Destination).toBeDefined();
    }
  });

  it('alarms when Firehose dynamic partitioning exceeds its active-partition quota', () => {
    prod.stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'PartitionCountExceeded',
      Namespace: 'AWS/Firehose',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('the connector schedule lives in the schedule group with its dead-letter queue', () => {
    const schedules = Object.values(prod.stateless.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.length).toBeGreaterThanOrEqual(2);
    for (const schedule of schedules) {
      expect(schedule.Properties.GroupName, JSON.stringify(schedule.Properties.Description)).toBeDefined();
      expect(schedule.Properties.Target.DeadLetterConfig?.Arn).toBeDefined();
    }
  });

  it('the aggregator may delete gone WebSocket connections, on tenant partitions only', () => {
    const roleId = logicalIdOf(prod.app.stateless.aggregator.handler.role);
    const policies = Object.values(prod.stateless.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes(roleId),
    );
    const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const deletes = statements.filter((statement) => [statement.Action].flat().includes('dynamodb:DeleteItem'));
    expect(deletes.length).toBe(1);
    expect(deletes[0].Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']).toBeDefined();
  });

  describe('custom domain', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';
    const withDomain = buildTestApp({ stage: 'prod', domainName: 'app.example.com', certificateArn });

    it('CloudFront serves the domain with the certificate and TLS 1.2 (2021) at least', () => {
      Template.fromStack(withDomain.stateless).hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          Aliases: ['app.example.com'],
          ViewerCertificate: {
            AcmCertificateArn: certificateArn,
            MinimumProtocolVersion: 'TLSv1.2_2021',
            SslSupportMethod: 'sni-only',
          },
        },
      });
    });

    it('the web origin, CORS and Cognito callbacks derive from the domain', () => {
      Template.fromStack(withDomain.stateful).hasResourceProperties('AWS::Cognito::UserPoolClient', {
        CallbackURLs: ['https://app.example.com/auth/callback'],
        LogoutURLs: ['https://app.example.com/'],
      });
      Template.fromStack(withDomain.stateless).hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: { AllowOrigins: ['https://app.example.com'] },
      });
    });

    it('refuses a half or invalid setting, naming it', () => {
      expect(() => buildTestApp({ domainName: 'app.example.com' })).toThrow(/certificateArn/);
      expect(() => buildTestApp({ domainName: 'not a host', certificateArn })).toThrow(/domainName/);
      const wrongRegion = certificateArn.replace('us-east-1', 'eu-west-1');
      expect(() => buildTestApp({ domainName: 'app.example.com', certificateArn: wrongRegion })).toThrow(
        /certificateArn/,
      );
    });
  });

  describe('mail', () => {
    it('invitations carry the words the local stack mails to its catcher, with both Cognito placeholders', () => {
      Template.fromStack(buildTestApp({ stage: 'dev' }).stateful).hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: {
          InviteMessageTemplate: { EmailSubject: INVITATION_MESSAGE.subject, EmailMessage: INVITATION_MESSAGE.body },
        },
      });
      expect(INVITATION_MESSAGE.body).toContain('{username}');
      expect(INVITATION_MESSAGE.body).toContain('{####}');
    });

    it('prod sends Cognito mail through SES from the verified identity, with the configuration set', () => {
      const app = buildTestApp({ stage: 'prod', mailConfigurationSet: 'promptpulse-mail' });
      Template.fromStack(app.stateful).hasResourceProperties('AWS::Cognito::UserPool', {
        EmailConfiguration: {
          EmailSendingAccount: 'DEVELOPER',
          From: 'PromptPulse <no-reply@mail.example.com>',
          ConfigurationSet: 'promptpulse-mail',
          SourceArn: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':ses:eu-west-1:',
                { Ref: 'AWS::AccountId' },
                ':identity/mail.example.com',
              ],
            ],
          },
        },
      });
    });

    it('dev keeps Cognito default sender unless told otherwise', () => {
      const pool = Object.values(Template.fromStack(dev.stateful).findResources('AWS::Cognito::UserPool'))[0];
      expect(pool?.Properties.EmailConfiguration?.EmailSendingAccount ?? 'COGNITO_DEFAULT').toBe('COGNITO_DEFAULT');
    });

    it('refuses prod without a sender, or a sender the identity does not cover, naming the setting', () => {
      expect(() => buildTestApp({ stage: 'prod', mailFromAddress: '' })).toThrow(/mailFromAddress/);
      expect(() => buildTestApp({ stage: 'prod', mailFromAddress: 'not-an-address' })).toThrow(/mailFromAddress/);
      expect(() => buildTestApp({ stage: 'prod', mailIdentity: 'other.example.org' })).toThrow(/mailIdentity/);
      expect(() => buildTestApp({ stage: 'dev', mailFromAddress: 'a@example.com', mailRegion: 'nowhere' })).toThrow(
        /mailRegion/,
      );
    });
  });

  describe('the deployed fan-out definition', () => {
    const smId = logicalIdOf(prod.app.stateless.fanout.stateMachine);
    const deployed = prod.stateless.toJSON().Resources[smId].Properties;

    it('is the document the local stack and the integration tests run (deployedFanoutDefinition)', () => {
      const text = typeof deployed.DefinitionString === 'string' ? deployed.DefinitionString : '';
      expect(JSON.parse(text)).toEqual(deployedFanoutDefinition());
      // Every placeholder the document names is substituted with a function ARN.
      const placeholders = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
      expect(new Set(placeholders)).toEqual(new Set(Object.keys(deployed.DefinitionSubstitutions)));
    });

    it('stays within Step Functions limits without a ResultWriter', () => {
      const definition = deployedFanoutDefinition();
      const items = allStates(definition).find(([name]) => name === 'Items')?.[1];
      expect(items?.ItemProcessor?.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      // The children end with an empty output, so the gathered result is 2-3 bytes an item; the plan's largest
      // provider group (every prompt the largest plan allows x 10 samples) stays far below the 256 KiB state-result cap.
      const terminal = Object.values(items?.ItemProcessor?.States ?? {}).filter(
        (state) => state.Type === 'Succeed' || state.End === true,
      );
      expect(terminal.length).toBeGreaterThan(0);
      for (const state of terminal) expect(state.OutputPath).toBeNull();
      const maxPrompts = Math.max(...Object.values(PLAN_LIMITS).map((plan) => plan.maxPromptsPerBrand));
      const largestGroup = maxPrompts * 10;
      expect(largestGroup * '{},'.length).toBeLessThan(256 * 1024);
      // An item's input is ids only (ItemSelector), far below the 256 KiB input cap of a child execution.
      expect(JSON.stringify(items?.ItemSelector).length).toBeLessThan(2_000);
      expect(items?.ItemReader).toBeUndefined();
      expect(items?.ResultPath).toBeNull();
    });
  });
});
