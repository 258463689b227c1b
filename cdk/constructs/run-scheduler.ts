import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DataTable } from './data-table.ts';
import { NodeFunction } from './node-function.ts';
import type { PromptFanout } from './prompt-fanout.ts';

export interface RunSchedulerProps {
  readonly table: DataTable;
  /** The workflow scheduled runs start. */
  readonly fanout: PromptFanout;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Scheduled runs: an EventBridge rule fires the `tick` function every minute; the tick queries the sparse schedule
 * index on the table for brands whose `nextRunAt` is due, claims each slot with a conditional update (so a
 * re-delivered or overlapping tick cannot start a slot twice) and starts the fan-out with trigger `schedule`.
 *
 * One rule for every tenant instead of one EventBridge Scheduler schedule per brand: brand settings stay in one
 * DynamoDB write (no second system to keep in step, no IAM to create schedules from the API), and the local stack
 * runs the same tick. The cost is a one-minute granularity and an invocation a minute when nothing is due.
 */
export class RunScheduler extends Construct {
  readonly tick: NodeFunction;
  readonly rule: events.Rule;

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
    });
    const fn = this.tick.function;
    props.table.grantItemReadWrite(fn);
    props.fanout.grantStartRuns(fn);

    this.rule = new events.Rule(this, 'EveryMinute', {
      description: 'PromptPulse scheduler tick',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // A late tick is worthless: the next one, a minute later, picks up whatever is due.
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.minutes(2) })],
    });
  }
}
