import { readFileSync } from 'node:fs';
import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp, type PromptPulseApp } from '../../cdk/promptpulse.ts';

/** The feature flags and settings from cdk.json, so tests synthesize what `cdk synth` synthesizes. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

/**
 * Builds the PromptPulse app the way the CLI does, but with asset bundling skipped (no esbuild run), so the
 * tests are fast and do not depend on the handler code compiling.
 */
export function buildTestApp(context: Record<string, unknown> = {}): PromptPulseApp {
  // prod requires Cognito's mail through SES; tests that check its absence pass `mailFromAddress: ''`.
  const mail =
    context.stage === 'prod' ? { mailFromAddress: 'no-reply@mail.example.com', mailRegion: 'eu-west-1' } : {};
  return buildApp({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...mail, ...context } });
}

let cached: { app: PromptPulseApp; stateful: Template; stateless: Template } | undefined;

/**
 * One synthesized app shared by the assertion tests (synthesis is the slow part): the `prod` stage, the shape that
 * matters most (retained data, alarm notifications, threat protection, reserved concurrency). The `dev` differences
 * are asserted in stages.test.ts.
 */
export function defaultTemplates(): { app: PromptPulseApp; stateful: Template; stateless: Template } {
  if (!cached) {
    const app = buildTestApp({ stage: 'prod' });
    cached = { app, stateful: Template.fromStack(app.stateful), stateless: Template.fromStack(app.stateless) };
  }
  return cached;
}

/** Logical id of a construct's CloudFormation resource (the construct itself or its default child). */
export function logicalIdOf(construct: IConstruct): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!element || !CfnElement.isCfnElement(element)) throw new Error(`${construct.node.path} has no CfnElement`);
  return Stack.of(element).resolve(element.logicalId) as string;
}

/** Every `Validations.of(x).acknowledge(...)` in the tree, as `<construct path> <rule id>` -> reason. */
export function acknowledgements(root: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.set(`${construct.node.path} ${id.replace(/^annotation::/i, '')}`, reason);
      }
    }
  }
  return found;
}

/**
 * How the stateless template refers to a value of the stateful stack (`stateful.resolve(token)`, e.g. a `GetAtt`):
 * a weak cross-stack reference, `Fn::GetStackOutput` of the output the stateful stack publishes for it.
 */
export function statefulValueRef(token: string): unknown {
  const { app, stateful } = defaultTemplates();
  const value = JSON.stringify(app.stateful.resolve(token));
  const outputs = stateful.toJSON().Outputs as Record<string, { Value: unknown }>;
  const name = Object.keys(outputs).find(
    (key) => key.startsWith('PublishOutput') && JSON.stringify(outputs[key]?.Value) === value,
  );
  if (!name) throw new Error(`the stateful stack publishes no output for ${value}`);
  return {
    'Fn::GetStackOutput': { StackName: app.stateful.stackName, Region: { Ref: 'AWS::Region' }, OutputName: name },
  };
}
