import type { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { acknowledgements, defaultTemplates } from './support.ts';

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
        'PromptPulse-Stateful/promptpulse-users/UserPool AwsSolutions-COG3',
        'PromptPulse-Stateful/promptpulse-users/UserPool AwsSolutions-COG8',
        'PromptPulse-Stateful/promptpulse-users/PreTokenGeneration/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateful/promptpulse-users/PreTokenGeneration/Function AwsSolutions-L1',
        'PromptPulse-Stateless/ApiService/Api/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/ApiService/Api/Function AwsSolutions-L1',
        'PromptPulse-Stateless/HttpApi/Api/GET--health AwsSolutions-APIG4',
        'PromptPulse-Stateless/HttpApi/Api/GET--openapi.json AwsSolutions-APIG4',
        'PromptPulse-Stateful/ProviderKeys/Secret AwsSolutions-SMG4',
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
        // Firehose refuses SSE on a delivery stream whose source is a Kinesis stream (encrypted at the source).
        'PromptPulse-Stateless/LakeDelivery/DeliveryStream AwsSolutions-KDF1',
        ...['tenants', 'errors'].map(
          (prefix) =>
            `PromptPulse-Stateless/LakeDelivery/Policy AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"PromptPulse-Stateful","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttpromptpulselakeBucketAA2DDF35ArnECA2DC47"}}/${prefix}/*]`,
        ),
        'PromptPulse-Stateless/Scheduler/Tick/Function AwsSolutions-L1',
        'PromptPulse-Stateless/Scheduler/Tick/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/WebSocketApi/Api/$connect-Route AwsSolutions-APIG4',
        'PromptPulse-Stateless/WebSocketApi/Api/$default-Route AwsSolutions-APIG4',
        'PromptPulse-Stateless/WebSocketApi/Api/$disconnect-Route AwsSolutions-APIG4',
        'PromptPulse-Stateless/WebSocketApi/Ws/Function AwsSolutions-L1',
        'PromptPulse-Stateless/WebSocketApi/Ws/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'PromptPulse-Stateless/WebSocketApi/Ws/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<WebSocketApi2C7AF84E>/live/*/@connections/*]',
      ].sort(),
    );
  });
});
