import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { allStates, loadAsl } from '../asl.ts';
import type { DataTable } from './data-table.ts';
import type { EventStream } from './event-stream.ts';
import { NodeFunction } from './node-function.ts';
import type { ScheduleGroup } from './schedule-group.ts';

/** The ASL file run by both this construct and the local Step Functions runner. */
export const CONNECTOR_INGEST_ASL = 'state-machines/connector-ingest.asl.json';

/** The platform credentials secret of the connectors (Reddit, X, Meta); see docs/connectors.md. */
export interface ConnectorCredentialsSecret {
  readonly secret: { readonly secretArn: string };
  grantRead(grantee: iam.IGrantable): iam.Grant;
}

export interface ConnectorIngestProps {
  readonly table: DataTable;
  readonly eventStream: EventStream;
  readonly logRetention: logs.RetentionDays;
  /** The PromptPulse schedule group, with its role and dead-letter queue (undelivered starts land there). */
  readonly schedules: ScheduleGroup;
  /** The API function: it tests connectors, starts "poll now" executions and publishes webhook signals. */
  readonly api?: lambda.Function;
  /** @default - no secret: the functions read credentials from their environment (none in AWS) */
  readonly connectorKeys?: ConnectorCredentialsSecret;
  /** @default rate(1 minute) */
  readonly every?: Duration;
}

/**
 * Social/news connector ingest in AWS: one function for the task states of `state-machines/connector-ingest.asl.json`
 * (it dispatches on `step`), a STANDARD state machine from that same file, and an EventBridge Scheduler schedule that
 * starts it every minute (each connector's own interval is its `nextRunAt` in the table; FindDue claims due ones).
 *
 * Grants: item read/write on the table (connectors, brands); `kinesis:PutRecords` on the event stream and
 * `EVENT_STREAM_NAME`; read of the connector credentials secret and `CONNECTOR_SECRET_ARN`. The API function, when
 * given, gets the same (webhooks publish, "test" polls) plus `states:StartExecution` and
 * `CONNECTOR_STATE_MACHINE_ARN` ("poll now").
 */
/**
 * Installed next to the connector functions' bundles instead of inside them, and imported on first use: the feed
 * codecs (iconv-lite with its CJK tables, chardet) and the language detector's n-gram database (eld, ~1 MB) would
 * push the bundles past their 1 MB budget and load at every cold start (functions/adapters/connectors/feed-charset.ts,
 * shared/signals/language.ts).
 */
export const CONNECTOR_NODE_MODULES = ['iconv-lite', 'chardet', 'eld'] as const;

export class ConnectorIngest extends Construct {
  readonly handler: NodeFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: scheduler.Schedule;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ConnectorIngestProps) {
    super(scope, id);
    const asl = loadAsl(CONNECTOR_INGEST_ASL);
    const longestStep = Math.max(
      ...allStates(asl)
        .filter(([, state]) => state.Type === 'Task')
        .map(([, state]) => state.TimeoutSeconds ?? 60),
    );
    this.handler = new NodeFunction(this, 'Ingest', {
      entry: 'functions/handlers/connectors/index.ts',
      description: 'PromptPulse connector ingest: finds due connectors, polls, analyses, publishes signal.observed',
      serviceName: 'promptpulse-connectors',
      memorySize: 1024,
      timeout: Duration.seconds(longestStep),
      logRetention: props.logRetention,
      environment: { TABLE_NAME: props.table.table.tableName },
      nodeModules: [...CONNECTOR_NODE_MODULES],
    });
    const functions = [this.handler.function, ...(props.api ? [props.api] : [])];
    for (const fn of functions) {
      props.table.grantItemReadWrite(fn);
      fn.addEnvironment('EVENT_STREAM_NAME', props.eventStream.stream.streamName);
      props.eventStream.grantPutRecords(fn);
      if (props.connectorKeys) {
        fn.addEnvironment('CONNECTOR_SECRET_ARN', props.connectorKeys.secret.secretArn);
        props.connectorKeys.grantRead(fn);
      }
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-connector-ingest`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'PromptPulse connector ingest',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(asl)),
      definitionSubstitutions: { ConnectorIngestFunctionArn: this.handler.function.functionArn },
      // Cursors and counters travel in state, never post text; still, keep execution data out of the logs.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.handler.function.functionArn] }),
    );
    const smPolicy = defaultPolicyOf(this.stateMachine.role);
    if (smPolicy) {
      Validations.of(smPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions log delivery and X-Ray PutTraceSegments support no resource-level permissions; `*` is ' +
          'required for the state machine to log and trace.',
      });
    }
    if (props.api) {
      props.api.addEnvironment('CONNECTOR_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
      this.stateMachine.grantStartExecution(props.api);
    }

    this.schedule = new scheduler.Schedule(this, 'EveryMinute', {
      description: 'PromptPulse connector ingest: polls the connectors that are due',
      scheduleGroup: props.schedules.group,
      schedule: scheduler.ScheduleExpression.rate(props.every ?? Duration.minutes(1)),
      // A late start is worthless: the next one picks up whatever is due (and leases stop overlaps).
      target: new targets.StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        retryAttempts: 1,
        maxEventAge: Duration.minutes(2),
        role: props.schedules.role,
        deadLetterQueue: props.schedules.deadLetterQueue,
      }),
    });
  }
}

function defaultPolicyOf(role: iam.IRole): IConstruct | undefined {
  return role.node.tryFindChild('DefaultPolicy');
}
