import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { acknowledgements, buildTestApp, defaultTemplates } from './support.ts';

/**
 * cdk-nag 3 is a CDK validation plugin: findings go to the synth report, not to stack annotations, so the
 * test runs the pack directly on each stack (`validateScope`) and expects no unacknowledged error or warning.
 */
function findings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map(
      (resource) =>
        `${violation.severity} ${violation.ruleName} at ${resource.constructPath}: ${violation.description}`,
    ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  const { app } = defaultTemplates();

  it.each([
    ['stateful', app.stateful],
    ['stateless', app.stateless],
  ])('%s stack has no unacknowledged findings', (_name, stack) => {
    expect(findings(stack)).toEqual([]);
  });

  it('every acknowledgement is one of the reviewed ones, with a reason', () => {
    const acks = acknowledgements(app.app);
    for (const reason of acks.values()) expect(reason.length).toBeGreaterThan(40);
    // A new acknowledgement must be added here on purpose, after review; docs/deploy.md lists why.
    expect([...acks.keys()].sort()).toEqual(
      [
        'PromptPulse-Stateful/promptpulse-lake/AccessLogs AwsSolutions-S1',
        'PromptPulse-Stateful/promptpulse-users/UserPool AwsSolutions-COG2',
        'PromptPulse-Stateful/promptpulse-users/PreTokenGeneration/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateful/promptpulse-users/PreTokenGeneration/Function AwsSolutions-L1',
        'PromptPulse-Stateless/ApiService/Api/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/ApiService/Api/Function AwsSolutions-L1',
        // The workspace export (core routes) reads tenants/<t>/ and writes tenants/<t>/exports/ of the exporting tenant.
        ...['tenants/*', 'tenants/*/exports/*'].map(
          (pattern) =>
            `PromptPulse-Stateless/ApiService/Api/Role/DefaultPolicy AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"PromptPulse-Stateful","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttpromptpulselakeBucketAA2DDF35ArnECA2DC47"}}/${pattern}]`,
        ),
        // The route-group functions of the API (Action Hub, connectors, docs): same defaults (X-Ray, Node 22).
        ...['Actions', 'Connectors', 'Docs'].flatMap((group) => [
          `PromptPulse-Stateless/ApiService/${group}/Function AwsSolutions-L1`,
          `PromptPulse-Stateless/ApiService/${group}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]`,
        ]),
        'PromptPulse-Stateless/ConnectorIngest/Ingest/Function AwsSolutions-L1',
        'PromptPulse-Stateless/ConnectorIngest/Ingest/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/ConnectorIngest/StateMachine/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        // Re-analysis (cdk/constructs/reanalysis.ts): function defaults, raw-answer reads, push, Distributed Map children.
        'PromptPulse-Stateless/Reanalysis/Steps/Function AwsSolutions-L1',
        'PromptPulse-Stateless/Reanalysis/Steps/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/Reanalysis/Steps/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<WebSocketApi2C7AF84E>/live/*/@connections/*]',
        'PromptPulse-Stateless/Reanalysis/Steps/Role/DefaultPolicy AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"PromptPulse-Stateful","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttpromptpulselakeBucketAA2DDF35ArnECA2DC47"}}/tenants/*/raw-answers/*]',
        'PromptPulse-Stateless/Reanalysis/StateMachine/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/Reanalysis/DistributedMapPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<ReanalysisStateMachine7E39C020.Name>/*]',
        'PromptPulse-Stateless/Reanalysis/DistributedMapPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<ReanalysisStateMachine7E39C020.Name>:*]',
        // The analytics half of the API (warehouse drivers): same defaults, reads the lake's event files.
        'PromptPulse-Stateless/ApiService/Analytics/Function AwsSolutions-L1',
        'PromptPulse-Stateless/ApiService/Analytics/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/ApiService/Analytics/Role/DefaultPolicy AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"PromptPulse-Stateful","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttpromptpulselakeBucketAA2DDF35ArnECA2DC47"}}/tenants/*/events/*]',
        // The hourly warehouse materialization job (reads the lake's event files, like the analytics function).
        'PromptPulse-Stateless/WarehouseMaterializer/Materialize/Function AwsSolutions-L1',
        'PromptPulse-Stateless/WarehouseMaterializer/Materialize/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/WarehouseMaterializer/Materialize/Role/DefaultPolicy AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"PromptPulse-Stateful","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttpromptpulselakeBucketAA2DDF35ArnECA2DC47"}}/tenants/*/events/*]',
        'PromptPulse-Stateless/HttpApi/Api/GET--health AwsSolutions-APIG4',
        'PromptPulse-Stateless/HttpApi/Api/GET--openapi.json AwsSolutions-APIG4',
        'PromptPulse-Stateless/HttpApi/Api/POST--ingest--webhooks--{connectorId} AwsSolutions-APIG4',
        'PromptPulse-Stateful/ProviderKeys/Secret AwsSolutions-SMG4',
        'PromptPulse-Stateful/ConnectorKeys/Secret AwsSolutions-SMG4',
        // The schedule group's dead-letter queue, and the scheduler target's grant on the tick and its versions.
        'PromptPulse-Stateless/Schedules/DeadLetter AwsSolutions-SQS3',
        'PromptPulse-Stateless/Schedules/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<SchedulerTickFunction7929D404.Arn>:*]',
        // The 6-hourly model catalogue refresh: same function defaults, and the scheduler target's grant on it.
        'PromptPulse-Stateless/ModelCatalogue/Refresh/Function AwsSolutions-L1',
        'PromptPulse-Stateless/ModelCatalogue/Refresh/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/Schedules/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<ModelCatalogueRefreshFunction2590A488.Arn>:*]',
        // The hourly workspace purge: same function defaults, deletes under tenants/ only, and the scheduler's grant on it.
        'PromptPulse-Stateless/WorkspacePurge/Purge/Function AwsSolutions-L1',
        'PromptPulse-Stateless/WorkspacePurge/Purge/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/WorkspacePurge/Purge/Role/DefaultPolicy AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"PromptPulse-Stateful","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttpromptpulselakeBucketAA2DDF35ArnECA2DC47"}}/tenants/*]',
        'PromptPulse-Stateless/WorkspacePurge/PurgeOnFailure AwsSolutions-SQS3',
        'PromptPulse-Stateless/Schedules/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<WorkspacePurgeFunction12C7D734.Arn>:*]',
        // SPA hosting: the edge-logs bucket, the distribution (no geo restriction, WAF per account, default cert),
        // and aws-cdk-lib's BucketDeployment handler running with our deploy role.
        'PromptPulse-Stateless/Web/Logs AwsSolutions-S1',
        'PromptPulse-Stateless/Web/Distribution AwsSolutions-CFR1',
        'PromptPulse-Stateless/Web/Distribution AwsSolutions-CFR2',
        'PromptPulse-Stateless/Web/Distribution AwsSolutions-CFR4',
        'PromptPulse-Stateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-L1',
        ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map(
          (action) => `PromptPulse-Stateless/Web/DeployRole/DefaultPolicy AwsSolutions-IAM5[Action::${action}]`,
        ),
        ...[
          '*',
          '<WebSiteD504717C.Arn>/*',
          'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        ].map(
          (resource) => `PromptPulse-Stateless/Web/DeployRole/DefaultPolicy AwsSolutions-IAM5[Resource::${resource}]`,
        ),
        ...['Plan', 'Ask', 'Analyze', 'RecordFailure', 'Finalize'].flatMap((step) => [
          `PromptPulse-Stateless/PromptFanout/${step}/Function AwsSolutions-L1`,
          `PromptPulse-Stateless/PromptFanout/${step}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]`,
        ]),
        ...['Ask', 'RecordFailure', 'Finalize'].map(
          (step) =>
            `PromptPulse-Stateless/PromptFanout/${step}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<WebSocketApi2C7AF84E>/live/*/@connections/*]`,
        ),
        // The lake is in the stateful stack: the finding names the cross-stack reference as synthesis resolves it.
        'PromptPulse-Stateless/PromptFanout/Ask/Role/DefaultPolicy AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"PromptPulse-Stateful","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttpromptpulselakeBucketAA2DDF35ArnECA2DC47"}}/tenants/*/raw-answers/*]',
        'PromptPulse-Stateless/PromptFanout/StateMachine/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/PromptFanout/DistributedMapPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<PromptFanoutStateMachine7F9C1268.Name>/*]',
        'PromptPulse-Stateless/PromptFanout/DistributedMapPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<PromptFanoutStateMachine7F9C1268.Name>:*]',
        'PromptPulse-Stateless/EventAggregator/Aggregate/Function AwsSolutions-L1',
        'PromptPulse-Stateless/EventAggregator/Aggregate/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        // The on-failure queue is the event source mapping's dead-letter destination; nothing consumes it.
        'PromptPulse-Stateless/EventAggregator/OnFailure AwsSolutions-SQS3',
        // Action Hub (cdk/constructs/action-sync.ts): the same function defaults, push grants, and its DLQs.
        ...['ActionDaily', 'ActionDeliver', 'ActionEngine'].flatMap((f) => [
          `PromptPulse-Stateless/ActionSync/${f}/Function AwsSolutions-L1`,
          `PromptPulse-Stateless/ActionSync/${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]`,
        ]),
        ...['ActionDaily', 'ActionEngine'].map(
          (f) =>
            `PromptPulse-Stateless/ActionSync/${f}/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<WebSocketApi2C7AF84E>/live/*/@connections/*]`,
        ),
        // Per-integration API destinations are created at run time: scoped to their name prefix and the bus.
        ...['api-destination/ppcrm-*', 'connection/ppcrm-*', 'rule/<ActionSyncBusBCE111F3>/ppcrm-*'].map(
          (r) =>
            `PromptPulse-Stateless/ApiService/Actions/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:${r}]`,
        ),
        'PromptPulse-Stateless/ActionSync/ApiDestinationRole/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:api-destination/ppcrm-*]',
        'PromptPulse-Stateless/ActionSync/EngineOnFailure AwsSolutions-SQS3',
        'PromptPulse-Stateless/ActionSync/SyncDlq AwsSolutions-SQS3',
        // On-failure destinations of the asynchronously invoked functions (delivery, daily pass, scheduler tick):
        // invocation records an operator re-drives by hand, so no DLQ behind them.
        'PromptPulse-Stateless/ActionSync/DeliverOnFailure AwsSolutions-SQS3',
        'PromptPulse-Stateless/ActionSync/DailyOnFailure AwsSolutions-SQS3',
        'PromptPulse-Stateless/Scheduler/TickOnFailure AwsSolutions-SQS3',
        'PromptPulse-Stateless/WarehouseMaterializer/MaterializeOnFailure AwsSolutions-SQS3',
        'PromptPulse-Stateless/ModelCatalogue/RefreshOnFailure AwsSolutions-SQS3',
        // Firehose refuses SSE on a delivery stream whose source is a Kinesis stream (encrypted at the source).
        'PromptPulse-Stateless/LakeDelivery/DeliveryStream AwsSolutions-KDF1',
        ...['tenants', 'errors'].map(
          (prefix) =>
            `PromptPulse-Stateless/LakeDelivery/Policy AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"PromptPulse-Stateful","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttpromptpulselakeBucketAA2DDF35ArnECA2DC47"}}/${prefix}/*]`,
        ),
        'PromptPulse-Stateless/Scheduler/Tick/Function AwsSolutions-L1',
        'PromptPulse-Stateless/Scheduler/Tick/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        // $connect has the token authorizer; its function has the house defaults.
        'PromptPulse-Stateless/WebSocketApi/Authorizer/Function AwsSolutions-L1',
        'PromptPulse-Stateless/WebSocketApi/Authorizer/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/WebSocketApi/Api/$default-Route AwsSolutions-APIG4',
        'PromptPulse-Stateless/WebSocketApi/Api/$disconnect-Route AwsSolutions-APIG4',
        'PromptPulse-Stateless/WebSocketApi/Ws/Function AwsSolutions-L1',
        'PromptPulse-Stateless/WebSocketApi/Ws/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/WebSocketApi/Ws/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<WebSocketApi2C7AF84E>/live/*/@connections/*]',
        // The aggregation consumer pushes signal swings (alerts) to the browsers of the tenant.
        'PromptPulse-Stateless/EventAggregator/Aggregate/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<WebSocketApi2C7AF84E>/live/*/@connections/*]',
      ].sort(),
    );
  });

  it.each([
    ['dev', { stage: 'dev' }],
    ['prod with the Snowflake feed', { stage: 'prod', snowflakeAccountUrl: 'https://ab12345.snowflakecomputing.com' }],
  ])('the %s app has no unacknowledged findings either', (_name, context) => {
    const other = buildTestApp(context);
    // Synthesis first: wildcard acknowledgements are computed then (cdk/nag.ts).
    Template.fromStack(other.stateful);
    Template.fromStack(other.stateless);
    expect(findings(other.stateful)).toEqual([]);
    expect(findings(other.stateless)).toEqual([]);
  });

  it('dev acknowledges one more finding (Essentials instead of Plus), with the reason naming the stage', () => {
    const dev = buildTestApp({ stage: 'dev' });
    Template.fromStack(dev.stateless);
    const devAcks = acknowledgements(dev.app);
    const prodAcks = acknowledgements(app.app);
    const extra = [...devAcks.keys()].filter((key) => !prodAcks.has(key));
    expect(extra).toEqual(['PromptPulse-Stateful/promptpulse-users/UserPool AwsSolutions-COG8']);
    expect(devAcks.get(extra[0] ?? '')).toMatch(/dev/);
  });

  it('the Snowflake feed adds only its secret rotation and delivery-stream encryption notes, its failed-record prefix and the schema migration provider', () => {
    const snowflakeApp = buildTestApp({
      stage: 'prod',
      snowflakeAccountUrl: 'https://ab12345.snowflakecomputing.com',
    });
    Template.fromStack(snowflakeApp.stateless);
    const prodAcks = acknowledgements(app.app);
    const extra = [...acknowledgements(snowflakeApp.app).keys()].filter((key) => !prodAcks.has(key)).sort();
    expect(extra).toEqual(
      [
        'PromptPulse-Stateful/SnowflakeCredentials/Secret AwsSolutions-SMG4',
        'PromptPulse-Stateless/SnowflakeDelivery/DeliveryStream AwsSolutions-KDF1',
        // The deploy-time schema migration (WarehouseSchema custom resource): the Provider framework's own function.
        'PromptPulse-Stateless/WarehouseMaterializer/SchemaProvider/framework-onEvent/ServiceRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'PromptPulse-Stateless/WarehouseMaterializer/SchemaProvider/framework-onEvent/ServiceRole/DefaultPolicy AwsSolutions-IAM5[Resource::<WarehouseMaterializerMaterializeFunction7A995F6C.Arn>:*]',
        'PromptPulse-Stateless/SnowflakeDelivery/Policy AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"PromptPulse-Stateful","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttpromptpulselakeBucketAA2DDF35ArnECA2DC47"}}/errors/snowflake/*]',
      ].sort(),
    );
  });
});
