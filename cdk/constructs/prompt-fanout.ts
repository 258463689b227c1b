import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import {
  type AslDefinition,
  deployedFanoutDefinition,
  loadAsl,
  PROMPT_FANOUT_ASL,
  stateTimeoutSeconds,
} from '../asl.ts';
import { acknowledgeWildcardResources } from '../nag.ts';
import type { DataTable } from './data-table.ts';
import type { EventStream } from './event-stream.ts';
import type { LakeBucket } from './lake-bucket.ts';
import { NodeFunction } from './node-function.ts';
import type { ProviderKeys } from './provider-keys.ts';

// The ASL file, its per-item Map path and the deployed transformation live in cdk/asl.ts (no aws-cdk-lib), so the
// local stack runs the exact definition this construct deploys.
export { DISTRIBUTED_MAP_PATH, PROMPT_FANOUT_ASL } from '../asl.ts';

/** Where Ask stores raw answers (`rawAnswerKey` in shared/use-cases/runs.ts): tenant first. */
export const RAW_ANSWER_KEY_PATTERN = 'tenants/*/raw-answers/*';

/**
 * Something that can give a function what it needs to push run progress to browsers (`PushWebSocketApi`):
 * `WS_MANAGEMENT_ENDPOINT` and `execute-api:ManageConnections`.
 */
export interface PushGrantor {
  grantPush(fn: lambda.Function): iam.Grant;
}

export interface PromptFanoutProps {
  readonly table: DataTable;
  readonly lake: LakeBucket;
  /** The AI providers' keys; only Ask may read them. */
  readonly providerKeys: ProviderKeys;
  readonly logRetention: logs.RetentionDays;
  /** Steps that report progress (Ask, RecordFailure, Finalize) push through it. @default - no push; the web app polls */
  readonly push?: PushGrantor;
  /** `PROVIDER_CONCURRENCY` of the steps, e.g. `openai=8,anthropic=4`. @default - the workflow's defaults */
  readonly providerConcurrency?: string;
  /**
   * The canonical event stream: the steps that publish (Analyze, Finalize) get `EVENT_STREAM_NAME` and
   * `kinesis:PutRecords` on it. @default - no publishing (worker-deps.ts publishes only when the name is set)
   */
  readonly eventStream?: EventStream;
  /**
   * Reserved concurrency of the Ask step: the ceiling of provider calls in flight across all runs and tenants
   * (protects provider rate limits and the account's concurrency; throttled invocations are retried by the ASL's
   * `Lambda.TooManyRequestsException` retry). @default - unreserved
   */
  readonly askReservedConcurrency?: number;
}

/** The steps that publish canonical events (`answer.analyzed`, `run.completed`; docs/events.md). */
export const PUBLISHING_STEPS = ['Analyze', 'Finalize'] as const;

type StepName = 'Plan' | 'Ask' | 'Analyze' | 'RecordFailure' | 'Finalize';

interface StepSpec {
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  /** Pushes progress when a push API is configured. */
  readonly pushes: boolean;
  /** Installed next to the bundle and imported on first use (NodeFunction `nodeModules`). */
  readonly nodeModules?: string[];
}

/**
 * The AI provider SDKs: installed into the Ask function's package, not bundled, and imported when a provider is first
 * asked (functions/adapters/providers/registry.ts), so a container loads only the SDK of the provider it serves.
 */
export const PROVIDER_SDKS = ['openai', '@anthropic-ai/sdk', '@google/genai'];

const STEPS: Record<StepName, StepSpec> = {
  Plan: {
    entry: 'functions/handlers/fanout/plan.ts',
    description: 'expands a run into work items',
    memorySize: 1024,
    pushes: false,
  },
  Ask: {
    entry: 'functions/handlers/fanout/ask.ts',
    description: 'asks one provider one prompt and stores the raw answer',
    memorySize: 512,
    pushes: true,
    nodeModules: PROVIDER_SDKS,
  },
  Analyze: {
    entry: 'functions/handlers/fanout/analyze.ts',
    description: 'analyses one stored answer',
    memorySize: 512,
    pushes: false,
    // The opt-in LLM sentiment judge (shared/use-cases/judge-sentiment.ts) asks a provider from this step; the SDKs
    // are imported only when a brand has opted in and an answer has a low-confidence verdict.
    nodeModules: PROVIDER_SDKS,
  },
  RecordFailure: {
    entry: 'functions/handlers/fanout/record-failure.ts',
    description: 'records a work item that failed for good',
    memorySize: 512,
    pushes: true,
  },
  Finalize: {
    entry: 'functions/handlers/fanout/finalize.ts',
    description: 'closes a run with its summary',
    memorySize: 512,
    pushes: true,
  },
};

/**
 * The prompt fan-out workflow in AWS: one function per task state of `state-machines/prompt-fanout.asl.json` and a
 * STANDARD state machine built from that same file, with the per-item Map switched to a Distributed Map (child
 * executions per item, so a run of thousands of items neither hits the inline Map's execution-history limit nor
 * the 256 KB state limit: only indices travel). The local runner executes the file unchanged (inline maps).
 *
 * Each function's timeout is the `TimeoutSeconds` of its state in the ASL, read from the file. Grants, per function:
 * item read/write on the table (all five: run, items, answers, usage and connections live there); `s3:PutObject`
 * under `tenants/*\/raw-answers/*` of the lake and read access to the provider keys secret (Ask only); push to the
 * WebSocket API (Ask, RecordFailure, Finalize, when configured); `kinesis:PutRecords` on the event stream and
 * `EVENT_STREAM_NAME` (Analyze, Finalize, when configured).
 */
export class PromptFanout extends Construct {
  readonly steps: Record<StepName, NodeFunction>;
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  /** The definition deployed (before substitution): the ASL file with the Distributed Map switch applied. */
  readonly definition: AslDefinition;

  constructor(scope: Construct, id: string, props: PromptFanoutProps) {
    super(scope, id);
    const asl = loadAsl(PROMPT_FANOUT_ASL);

    const environment: Record<string, string> = {
      TABLE_NAME: props.table.table.tableName,
      LAKE_BUCKET: props.lake.bucket.bucketName,
      ...(props.providerConcurrency ? { PROVIDER_CONCURRENCY: props.providerConcurrency } : {}),
    };
    const entries = Object.entries(STEPS) as [StepName, StepSpec][];
    this.steps = Object.fromEntries(
      entries.map(([name, spec]) => [
        name,
        new NodeFunction(this, name, {
          entry: spec.entry,
          description: `PromptPulse fan-out ${name}: ${spec.description}`,
          serviceName: 'promptpulse-fanout',
          memorySize: spec.memorySize,
          timeout: Duration.seconds(stateTimeoutSeconds(asl, name)),
          logRetention: props.logRetention,
          environment,
          ...(spec.nodeModules ? { nodeModules: spec.nodeModules } : {}),
          ...(name === 'Ask' && props.askReservedConcurrency !== undefined
            ? { reservedConcurrentExecutions: props.askReservedConcurrency }
            : {}),
        }),
      ]),
    ) as Record<StepName, NodeFunction>;

    for (const [name, spec] of entries) {
      const fn = this.steps[name].function;
      props.table.grantItemReadWrite(fn);
      if (spec.pushes) props.push?.grantPush(fn);
    }

    if (props.eventStream) {
      for (const name of PUBLISHING_STEPS) {
        const fn = this.steps[name].function;
        fn.addEnvironment('EVENT_STREAM_NAME', props.eventStream.stream.streamName);
        props.eventStream.grantPutRecords(fn);
      }
    }

    const ask = this.steps.Ask;
    // Ask, and Analyze for the opt-in sentiment judge, read the provider keys; no other step does.
    for (const step of [ask, this.steps.Analyze]) {
      step.function.addEnvironment('PROVIDER_SECRET_ARN', props.providerKeys.secret.secretArn);
      props.providerKeys.grantRead(step.function);
    }
    ask.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // PutObjectTagging: S3 requires it for a PutObject carrying `x-amz-tagging` (the retention tag).
        actions: ['s3:PutObject', 's3:PutObjectTagging'],
        resources: [props.lake.bucket.arnForObjects(RAW_ANSWER_KEY_PATTERN)],
      }),
    );
    acknowledgeWildcardResources(
      defaultPolicyOf(ask.role),
      [props.lake.bucket.arnForObjects(RAW_ANSWER_KEY_PATTERN)],
      'Ask writes one raw answer per work item under tenants/<tenant id>/raw-answers/; the tenant and run are only ' +
        'known at run time, so the object ARN ends in a wildcard. Only s3:PutObject (with its retention tag), only under that prefix.',
    );

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The /aws/vendedlogs/ prefix keeps Step Functions' log delivery off the account-wide log resource policy.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-prompt-fanout`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.definition = deployedFanoutDefinition();
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'PromptPulse prompt fan-out',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(this.definition)),
      definitionSubstitutions: Object.fromEntries(
        entries.map(([name]) => [`${name}FunctionArn`, this.steps[name].function.functionArn]),
      ),
      // Only ids travel in state; execution data stays out of the logs anyway (answers are tenant data).
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });

    // Exactly the five unqualified ARNs the definition names (grantInvoke would add `<arn>:*` for versions).
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: entries.map(([name]) => this.steps[name].function.functionArn),
      }),
    );
    Validations.of(defaultPolicyOf(this.stateMachine.role)).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) and X-Ray PutTraceSegments ' +
        'support no resource-level permissions; `*` is required for the state machine to log and trace.',
    });
    this.grantDistributedMap();
  }

  /**
   * What the Distributed Map needs: start child executions of this state machine and describe/stop them. A policy
   * of its own, attached to the role: the state machine depends on its role (and the role's default policy), and
   * these statements name the state machine, so putting them in the default policy would be a cycle.
   */
  private grantDistributedMap(): void {
    const policy = new iam.Policy(this, 'DistributedMapPolicy');
    this.stateMachine.role.attachInlinePolicy(policy);
    const stack = Stack.of(this);
    const name = this.stateMachine.stateMachineName;
    const executions = (resourceName: string) =>
      stack.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    // Child executions are `execution:<name>/<map run label>:<id>`; `<name>:*` is the form CDK's own DistributedMap
    // grants and the current AWS example uses. Both match only executions of this state machine.
    const childExecutions = [executions(`${name}/*`), executions(`${name}:*`)];
    policy.addStatements(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }),
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: childExecutions,
      }),
    );
    acknowledgeWildcardResources(
      policy,
      childExecutions,
      'Distributed Map child executions are named by Step Functions at run time (execution:<state machine>/<map ' +
        'run>:<id>); the wildcard is limited to executions of this state machine, as AWS documents for Distributed Map.',
    );
  }

  /**
   * Lets a function start runs: `STATE_MACHINE_ARN` (read by `readWorkflowConfig` in functions/config.ts) and
   * `states:StartExecution` on this state machine only.
   */
  grantStartRuns(fn: lambda.Function): iam.Grant {
    fn.addEnvironment('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    return this.stateMachine.grantStartExecution(fn);
  }
}

function defaultPolicyOf(role: iam.IRole): IConstruct {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!policy) throw new Error(`${role.node.path} has no default policy`);
  return policy;
}
