import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeGeneratedWildcardResources } from '../nag.ts';
import { onFailureQueue } from './action-sync.ts';
import type { DataTable } from './data-table.ts';
import { NodeFunction } from './node-function.ts';
import type { PromptFanout } from './prompt-fanout.ts';
import type { ScheduleGroup } from './schedule-group.ts';

export interface RunSchedulerProps {
  readonly table: DataTable;
  /** The workflow scheduled runs start. */
  readonly fanout: PromptFanout;
  readonly logRetention: logs.RetentionDays;
  /** The schedule group, role and dead-letter queue the tick's schedule uses. */
  readonly schedules: ScheduleGroup;
  /** Reserved concurrency 1: ticks never overlap (a late one is throttled and retried, then sent to `TickOnFailure`). */
  readonly serial?: boolean;
}

/**
 * Lambda's retry policy for the tick once the Scheduler handed the invocation over (Scheduler invokes Lambda
 * asynchronously): no retry, and an invocation not started within a minute expires: a late tick is worthless, the
 * next one picks up whatever is due. The invocation record goes to `TickOnFailure` rather than being dropped.
 */
export const TICK_ASYNC_RETRY = { retryAttempts: 0, maxEventAge: Duration.minutes(1) } as const;

/**
 * Scheduled runs: an EventBridge Scheduler schedule (in the PromptPulse schedule group) invokes the `tick` function
 * every minute; the tick queries the sparse schedule
 * index on the table for brands whose `nextRunAt` is due, claims each slot with a conditional update (so a
 * re-delivered or overlapping tick cannot start a slot twice) and starts the fan-out with trigger `schedule`.
 *
 * One schedule for every tenant instead of one schedule per brand: brand settings stay in one
 * DynamoDB write (no second system to keep in step, no IAM to create schedules from the API), and the local stack
 * runs the same tick. The cost is a one-minute granularity and an invocation a minute when nothing is due.
 */
export class RunScheduler extends Construct {
  readonly tick: NodeFunction;
  readonly schedule: scheduler.Schedule;
  /** Invocation records of ticks that failed or expired in Lambda (the schedule's DLQ only has undelivered ones). */
  readonly tickFailures: sqs.Queue;

  constructor(scope: Construct, id: string, props: RunSchedulerProps) {
    super(scope, id);
    this.tick = new NodeFunction(this, 'Tick', {
      entry: 'functions/handlers/scheduler/tick.ts',
      description: 'PromptPulse scheduler tick: starts the runs of brands whose schedule is due',
      serviceName: 'promptpulse-scheduler',
      memorySize: 512,
      // Must finish before the next tick; a slot already claimed is never started twice either way.
      timeout: Duration.seconds(55),
      logRetention: props.logRetention,
      environment: { TABLE_NAME: props.table.table.tableName },
      ...(props.serial ? { reservedConcurrentExecutions: 1 } : {}),
    });
    const fn = this.tick.function;
    props.table.grantItemReadWrite(fn);
    props.fanout.grantStartRuns(fn);
    // The schedule's dead-letter queue only receives invocations the Scheduler could not hand to Lambda; a tick that
    // fails once handed over would be dropped silently, and at 5 invocations per 5 minutes the error-rate alarm
    // (at least 10) never sees it: its on-failure queue is what alarms.
    this.tickFailures = onFailureQueue(this, 'TickOnFailure', 'the scheduler tick');
    fn.configureAsyncInvoke({ ...TICK_ASYNC_RETRY, onFailure: new SqsDestination(this.tickFailures) });

    this.schedule = new scheduler.Schedule(this, 'EveryMinute', {
      description: 'PromptPulse scheduler tick',
      scheduleGroup: props.schedules.group,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
      // A late tick is worthless: the next one, a minute later, picks up whatever is due.
      target: new targets.LambdaInvoke(fn, {
        role: props.schedules.role,
        deadLetterQueue: props.schedules.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(2),
      }),
    });
    // The scheduler target (aws-cdk-lib) grants InvokeFunction on the function and its versions (`<arn>:*`).
    const policy = props.schedules.role.node.tryFindChild('DefaultPolicy');
    if (policy instanceof iam.Policy) {
      acknowledgeGeneratedWildcardResources(
        policy,
        'EventBridge Scheduler targets (aws-cdk-lib) grant lambda:InvokeFunction on the tick function and its ' +
          'versions/aliases (`<function arn>:*`); only that function, only InvokeFunction.',
      );
    }
  }
}
