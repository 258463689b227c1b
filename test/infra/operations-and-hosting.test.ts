import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OPERATIONS_THRESHOLDS } from '../../cdk/constructs/operations.ts';
import { STAGE_DEFAULTS } from '../../cdk/context.ts';
import { BUSINESS_METRICS } from '../../functions/observability/metric-names.ts';
import { buildTestApp, defaultTemplates, logicalIdOf } from './support.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

describe('operations (dashboard and alarms)', () => {
  const { app, stateless, stateful } = defaultTemplates();
  const stack = app.stateless;
  const resources = stateless.toJSON().Resources as Record<string, Resource>;
  const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const described = (pattern: RegExp) => alarms.filter((a) => pattern.test(String(a.Properties.AlarmDescription)));

  it('alarms on API 5xx rate and p99 latency', () => {
    const [errors] = described(/HTTP API requests answered 5xx/);
    expect(errors?.Properties.Threshold).toBe(OPERATIONS_THRESHOLDS.api5xxPercent);
    expect(JSON.stringify(errors?.Properties.Metrics)).toContain('100 * errors / requests');
    const [latency] = described(/p99 latency/);
    expect(latency?.Properties).toMatchObject({
      MetricName: 'Latency',
      Namespace: 'AWS/ApiGateway',
      ExtendedStatistic: 'p99',
      Threshold: OPERATIONS_THRESHOLDS.apiP99LatencyMs,
      EvaluationPeriods: 3,
    });
  });

  it('watches every function of the stack (error rate and throttles), including ones added after it', () => {
    const functionIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id]) => id);
    for (const id of functionIds.filter((id) => !id.startsWith('CustomCDKBucketDeployment'))) {
      const errorAlarm = alarms.find(
        (a) =>
          /invocations failed/.test(String(a.Properties.AlarmDescription)) && JSON.stringify(a).includes(`"${id}"`),
      );
      const throttleAlarm = alarms.find(
        (a) => a.Properties.MetricName === 'Throttles' && JSON.stringify(a.Properties.Dimensions).includes(`"${id}"`),
      );
      expect(errorAlarm, `errors alarm of ${id}`).toBeDefined();
      expect(throttleAlarm, `throttles alarm of ${id}`).toBeDefined();
    }
    // The connector ingestion construct is created after Operations in the stack: discovered all the same.
    expect(described(/ConnectorIngest/).length).toBeGreaterThan(0);
  });

  it('alarms on failed or timed-out executions of every state machine', () => {
    const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
    expect(machines.length).toBeGreaterThanOrEqual(1);
    for (const [id] of machines) {
      const alarm = described(/executions failed or timed out/).find((a) => JSON.stringify(a).includes(`"${id}"`));
      expect(alarm, id).toBeDefined();
      expect(JSON.stringify(alarm?.Properties.Metrics)).toMatch(
        /ExecutionsFailed.*ExecutionsTimedOut|ExecutionsTimedOut.*ExecutionsFailed/,
      );
    }
  });

  it('alarms on dead-letter depth (the aggregator keeps its own alarm) and on iterator age', () => {
    const scheduleDlq = logicalIdOf(stack.schedules.deadLetterQueue);
    const depth = described(/messages were dead-lettered/);
    expect(depth.some((a) => JSON.stringify(a).includes(scheduleDlq))).toBe(true);
    const aggregatorQueue = logicalIdOf(stack.aggregator.onFailureQueue);
    expect(depth.some((a) => JSON.stringify(a).includes(aggregatorQueue))).toBe(false);
    expect(alarms.filter((a) => a.Properties.MetricName === 'IteratorAge')).toHaveLength(1);
  });

  it('alarms on spend-cap refusals from the business metric (API and scheduler)', () => {
    const [spend] = described(/spend cap/);
    const metrics = JSON.stringify(spend?.Properties.Metrics);
    expect(metrics).toContain(BUSINESS_METRICS.spendCapBreaches);
    expect(metrics).toContain('promptpulse-api');
    expect(metrics).toContain('promptpulse-scheduler');
    expect(metrics).toContain('"Namespace":"PromptPulse"');
    expect(spend?.Properties.Threshold).toBe(1);
  });

  it('in prod every alarm notifies the alarm topic', () => {
    expect(alarms.length).toBeGreaterThan(20);
    stateless.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ 'Fn::GetStackOutput': Match.anyValue() }],
    });
    expect(stateful.toJSON().Outputs).toHaveProperty('AlarmTopicArn');
  });

  it('has one dashboard with the business metrics and a recent-errors query over the function logs', () => {
    const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(stateless.toJSON().Resources[logicalIdOf(stack.operations.dashboard!)]);
    for (const name of Object.values(BUSINESS_METRICS)) expect(body, name).toContain(name);
    expect(body).toContain("filter level = 'ERROR'");
    expect(body).toContain('correlation_id');
  });
});

describe('stages', () => {
  const dev = buildTestApp({ stage: 'dev' });
  const devStateful = Template.fromStack(dev.stateful);
  const devStateless = Template.fromStack(dev.stateless);
  const { stateful: prodStateful } = defaultTemplates();

  it('dev destroys data with the stack and has no deletion/termination protection; prod retains and protects', () => {
    expect(STAGE_DEFAULTS.dev.dataRemovalPolicy).toBe(RemovalPolicy.DESTROY);
    for (const type of [
      'AWS::DynamoDB::GlobalTable',
      'AWS::S3::Bucket',
      'AWS::Kinesis::Stream',
      'AWS::Cognito::UserPool',
      'AWS::SecretsManager::Secret',
    ]) {
      for (const resource of Object.values(devStateful.findResources(type)))
        expect(resource.DeletionPolicy, type).toBe('Delete');
      for (const resource of Object.values(prodStateful.findResources(type)))
        expect(resource.DeletionPolicy, type).toBe('Retain');
    }
    devStateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
    prodStateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
    expect(dev.stateful.terminationProtection).toBe(false);
    expect(defaultTemplates().app.stateful.terminationProtection).toBe(true);
  });

  it('dev keeps logs 14 days, runs Cognito Essentials, reserves no concurrency and pages nobody', () => {
    for (const group of Object.values(devStateless.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(14);
    }
    devStateful.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'ESSENTIALS' });
    const devResources = devStateless.toJSON().Resources;
    for (const fn of [dev.stateless.fanout.steps.Ask.function, dev.stateless.scheduler.tick.function]) {
      expect(devResources[logicalIdOf(fn)].Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
    const alarms = Object.values(devStateless.findResources('AWS::CloudWatch::Alarm'));
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toBeUndefined();
  });

  it('dev keeps only the alarms that mean data or sign-ins are lost, and no dashboard (monitoring=essential)', () => {
    const devResources = devStateless.toJSON().Resources as Record<string, Resource>;
    const alarms = Object.values(devResources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const text = (a: Resource) => String(a.Properties.AlarmDescription);
    expect(Object.values(devResources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard')).toHaveLength(0);
    expect(alarms.filter((a) => /dead-lettered/.test(text(a))).length).toBeGreaterThan(3);
    expect(alarms.filter((a) => /executions failed or timed out/.test(text(a))).length).toBeGreaterThan(1);
    expect(alarms.filter((a) => /answered 5xx/.test(text(a)))).toHaveLength(1);
    expect(
      alarms.filter((a) => /sign-in trigger failed|pre-token-generation trigger failed/.test(text(a))),
    ).toHaveLength(1);
    // No per-function error-rate or throttle alarms, no latency or spend-cap alarms.
    expect(alarms.filter((a) => /invocations failed|throttled|p99 latency|spend cap/.test(text(a)))).toHaveLength(0);
    const full = Template.fromStack(buildTestApp({ stage: 'dev', monitoring: 'full' }).stateless);
    expect(Object.keys(full.findResources('AWS::CloudWatch::Dashboard'))).toHaveLength(1);
    expect(Object.keys(full.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThan(alarms.length * 2);
    expect(() => buildTestApp({ stage: 'dev', monitoring: 'some' })).toThrow(
      /"monitoring" must be one of full, essential/,
    );
  });

  it('context overrides a stage default and refuses an unknown stage', () => {
    const devWithPaging = buildTestApp({ stage: 'dev', alarmNotifications: 'true' });
    const alarms = Object.values(Template.fromStack(devWithPaging.stateless).findResources('AWS::CloudWatch::Alarm'));
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    expect(() => buildTestApp({ stage: 'staging' })).toThrow(/stage/);
    expect(() => buildTestApp({ snowflakeAccountUrl: 'http://evil.example.com' })).toThrow(/snowflakeAccountUrl/);
  });

  it('every function gets the metrics namespace of its copy (the stack prefix)', () => {
    const staging = buildTestApp({ stage: 'dev', stackPrefix: 'PromptPulseStaging' });
    for (const fn of Object.values(Template.fromStack(staging.stateless).findResources('AWS::Lambda::Function'))) {
      const env = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      if ('POWERTOOLS_SERVICE_NAME' in env) expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('PromptPulseStaging');
    }
  });
});

describe('SPA hosting', () => {
  const { app, stateless } = defaultTemplates();
  const web = app.stateless.web;

  it('serves a private bucket through CloudFront with origin access control, HTTPS only, logs on', () => {
    stateless.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'site/' }),
    });
    stateless.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    stateless.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        HttpVersion: 'http2and3',
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          ResponseHeadersPolicyId: { Ref: logicalIdOf(web.responseHeadersPolicy) },
          FunctionAssociations: [
            {
              EventType: 'viewer-request',
              FunctionARN: { 'Fn::GetAtt': [logicalIdOf(web.routingFunction), 'FunctionARN'] },
            },
          ],
        }),
        CacheBehaviors: [Match.objectLike({ PathPattern: '/config.json' })],
      }),
    });
  });

  it('sends HSTS, a CSP limited to the API/WebSocket/Cognito origins, frame denial and nosniff', () => {
    const policy =
      stateless.toJSON().Resources[logicalIdOf(web.responseHeadersPolicy)].Properties.ResponseHeadersPolicyConfig
        .SecurityHeadersConfig;
    expect(policy.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(policy.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(policy.ContentTypeOptions).toMatchObject({ Override: true });
    const csp = JSON.stringify(policy.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/connect-src 'self' https:\/\/\*\.execute-api\./);
    expect(csp).toContain('amazoncognito.com');
  });

  it('routes client-side paths to index.html and leaves files alone', () => {
    const code = String(stateless.toJSON().Resources[logicalIdOf(web.routingFunction)].Properties.FunctionCode);
    // The CloudFront function body itself, evaluated to test its routing (it is code we wrote, not input).
    const handler = new Function(`${code}; return handler;`)() as (event: { request: { uri: string } }) => {
      uri: string;
    };
    expect(handler({ request: { uri: '/runs/run_123' } }).uri).toBe('/index.html');
    expect(handler({ request: { uri: '/' } }).uri).toBe('/index.html');
    expect(handler({ request: { uri: '/assets/index-abc.js' } }).uri).toBe('/assets/index-abc.js');
    expect(handler({ request: { uri: '/config.json' } }).uri).toBe('/config.json');
  });

  it('writes /config.json for this stage (API, WebSocket, user pool, client) with the deployment', () => {
    const deployments = Object.values(stateless.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    const text = JSON.stringify(deployments[0]);
    expect(text).toContain('config.json');
    expect(text).toContain('/index.html');
    // The deploy role carries no AWS managed policy.
    const role = stateless.toJSON().Resources[logicalIdOf(web.node.findChild('DeployRole'))];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('secrets and the Snowflake feed', () => {
  const { stateful } = defaultTemplates();

  it('creates the connector keys secret as {} (values are put by an operator), retained in prod', () => {
    stateful.hasOutput('ConnectorKeysSecretArn', Match.anyValue());
    expect(Object.values(stateful.findResources('AWS::SecretsManager::Secret'))).toHaveLength(2);
  });

  it('with snowflakeAccountUrl, a second Firehose feeds Snowflake with the key pair from Secrets Manager', () => {
    const app = buildTestApp({ stage: 'prod', snowflakeAccountUrl: 'https://ab12345.snowflakecomputing.com' });
    const stateless = Template.fromStack(app.stateless);
    const delivery = app.stateless.snowflakeDelivery;
    expect(delivery).toBeDefined();
    stateless.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 2);
    stateless.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      SnowflakeDestinationConfiguration: Match.objectLike({
        AccountUrl: 'https://ab12345.snowflakecomputing.com',
        Database: 'PROMPTPULSE',
        Schema: 'PROMPTPULSE',
        Table: 'EVENTS',
        DataLoadingOption: 'VARIANT_CONTENT_AND_METADATA_MAPPING',
        ContentColumnName: 'EVENT',
        MetaDataColumnName: 'METADATA',
        S3BackupMode: 'FailedDataOnly',
        SecretsManagerConfiguration: Match.objectLike({ Enabled: true }),
        PrivateKey: Match.absent(),
      }),
    });
    Template.fromStack(app.stateful).hasOutput('SnowflakeCredentialsSecretArn', Match.anyValue());
    // Without the context flag there is no Snowflake feed.
    expect(defaultTemplates().app.stateless.snowflakeDelivery).toBeUndefined();
  });
});
