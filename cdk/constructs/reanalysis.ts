import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { REANALYSIS_FUNCTION_MEMORY_MB } from '../../shared/domain/reanalysis-cost.ts';
import { allStates, deployedReanalysisDefinition } from '../asl.ts';
import { acknowledgeWildcardResources } from '../nag.ts';
import type { DataTable } from './data-table.ts';
import type { EventStream } from './event-stream.ts';
import type { LakeBucket } from './lake-bucket.ts';
import { NodeFunction } from './node-function.ts';
import { RAW_ANSWER_KEY_PATTERN } from './prompt-fanout.ts';
import type { ScheduleGroup } from './schedule-group.ts';

export interface ReanalysisProps {
  readonly table: DataTable;
  readonly lake: LakeBucket;
  readonly eventStream: EventStream;
  readonly logRetention: logs.RetentionDays;
  /** The PromptPulse schedule group (its role starts the sweep; undelivered starts land in its dead-letter queue). */
  readonly schedules: ScheduleGroup;
  /** Pushes job progress to browsers. @default - no push; the Admin view reads the job */
  readonly push?: { grantPush(fn: lambda.Function): iam.Grant };
  /** Functions that start jobs (the API, when a brand's entities change). */
  readonly starters?: lambda.Function[];
  /** @default rate(6 hours) */
  readonly sweepEvery?: Duration;
  /** Function time one tenant's re-analysis may use per UTC day. @default 15 minutes */
  readonly dailyBudget?: Duration;
}

/**
 * Re-analysis in AWS (docs/analysis.md, "Re-analysis"): one function for the task states of
 * `state-machines/reanalysis.asl.json` (it dispatches on `step`), a STANDARD state machine from that file with the
 * per-week Map as a Distributed Map (MaxConcurrency 4: bounded parallelism per job), and an EventBridge Scheduler
 * schedule that starts the sweep for stale brands. Jobs for a brand change are started by the API.
 *
 * Grants: item read/write on the table; `s3:GetObject` under the lake's raw answers only; `kinesis:PutRecords` on the
 * event stream; push to the WebSocket API (when given); `states:StartExecution` on this state machine for itself
 * (the sweep starts jobs) and for the starters, with `REANALYSIS_STATE_MACHINE_ARN`.
 */
export class Reanalysis extends Construct {
  readonly handler: NodeFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: scheduler.Schedule;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ReanalysisProps) {
    super(scope, id);
    const definition = deployedReanalysisDefinition();
    const longestStep = Math.max(
      ...allStates(definition)
        .filter(([, state]) => state.Type === 'Task')
        .map(([, state]) => state.TimeoutSeconds ?? 60),
    );
    this.handler = new NodeFunction(this, 'Steps', {
      entry: 'functions/handlers/reanalysis/index.ts',
      description: 'PromptPulse re-analysis: re-scores stored answers, publishes answer.reanalyzed corrections',
      serviceName: 'promptpulse-reanalysis',
      memorySize: REANALYSIS_FUNCTION_MEMORY_MB,
      timeout: Duration.seconds(longestStep),
      logRetention: props.logRetention,
      environment: {
        TABLE_NAME: props.table.table.tableName,
        LAKE_BUCKET: props.lake.bucket.bucketName,
        EVENT_STREAM_NAME: props.eventStream.stream.streamName,
        REANALYSIS_DAILY_BUDGET_SECONDS: String((props.dailyBudget ?? Duration.minutes(15)).toSeconds()),
      },
    });
    const fn = this.handler.function;
    props.table.grantItemReadWrite(fn);
    props.eventStream.grantPutRecords(fn);
    props.push?.grantPush(fn);
    const rawAnswers = props.lake.bucket.arnForObjects(RAW_ANSWER_KEY_PATTERN);
    this.handler.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [rawAnswers] }),
    );
    acknowledgeWildcardResources(
      defaultPolicyOf(this.handler.role),
      [rawAnswers],
      'Re-analysis reads the raw answers of any tenant whose job it runs (tenants/<tenant id>/raw-answers/); the ' +
        'tenant is only known at run time. Only s3:GetObject, only under that prefix.',
    );

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-reanalysis`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Named, so the function can know the ARN without depending on the state machine that invokes it (a cycle).
    const stateMachineName = `${Stack.of(this).stackName}-reanalysis`;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      comment: 'PromptPulse re-analysis',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(definition)),
      definitionSubstitutions: { ReanalysisFunctionArn: fn.functionArn },
      // Only ids and cursors travel in state; keep execution data out of the logs anyway.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
    Validations.of(defaultPolicyOf(this.stateMachine.role)).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery and X-Ray PutTraceSegments support no resource-level permissions; `*` is ' +
        'required for the state machine to log and trace.',
    });
    this.grantDistributedMap();

    // The sweep starts jobs (executions of this state machine); so do the API's brand updates.
    const stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    for (const starter of props.starters ?? []) {
      starter.addEnvironment('REANALYSIS_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
      this.stateMachine.grantStartExecution(starter);
    }
    this.handler.role.attachInlinePolicy(
      new iam.Policy(this, 'StartJobsPolicy', {
        statements: [new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] })],
      }),
    );
    fn.addEnvironment('REANALYSIS_STATE_MACHINE_ARN', stateMachineArn);

    this.schedule = new scheduler.Schedule(this, 'Sweep', {
      description: 'PromptPulse re-analysis: re-scores brands analysed with another engine version or configuration',
      scheduleGroup: props.schedules.group,
      schedule: scheduler.ScheduleExpression.rate(props.sweepEvery ?? Duration.hours(6)),
      target: new targets.StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        role: props.schedules.role,
        deadLetterQueue: props.schedules.deadLetterQueue,
      }),
    });
  }

  /** Distributed Map child executions, as in the fan-out (cdk/constructs/prompt-fanout.ts). */
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
}

function defaultPolicyOf(role: iam.IRole): IConstruct {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!policy) throw new Error(`${role.node.path} has no default policy`);
  return policy;
}
