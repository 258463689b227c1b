import { Duration } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { onFailureQueue } from './action-sync.ts';
import type { DataTable } from './data-table.ts';
import { NodeFunction } from './node-function.ts';
import { PROVIDER_SDKS } from './prompt-fanout.ts';
import type { ProviderKeys } from './provider-keys.ts';
import type { ScheduleGroup } from './schedule-group.ts';

export interface ModelCatalogueRefreshProps {
  readonly table: DataTable;
  /** The providers' keys: the models endpoints need them (read-only; this function asks no questions). */
  readonly providerKeys: ProviderKeys;
  readonly logRetention: logs.RetentionDays;
  readonly schedules: ScheduleGroup;
  /** The operator's pins and hides, `provider/model` comma-separated. @default - none */
  readonly pin?: string;
  readonly hide?: string;
  /**
   * Reserve concurrency 1 so two refreshes never interleave their writes; only where the account quota leaves room
   * (context `reservedConcurrency`, prod). Without it a late retry may overlap the next run, and the last write wins
   * with a catalogue no older than six hours. @default false
   */
  readonly serial?: boolean;
}

/**
 * The model catalogue's refresh: an EventBridge Scheduler schedule (in the PromptPulse group) invokes a function every
 * 6 hours that lists each provider's models endpoint with the operator's keys, merges the lists over the last good
 * catalogue and stores it in the table (functions/handlers/catalogue/refresh.ts). The local stack runs the same
 * refresh on a timer (local/model-catalogue-schedule.ts). A failed refresh changes nothing but its recorded status.
 */
export class ModelCatalogueRefresh extends Construct {
  readonly function: NodeFunction;
  readonly schedule: scheduler.Schedule;
  /** Invocation records of refreshes that failed once handed to Lambda. */
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: ModelCatalogueRefreshProps) {
    super(scope, id);
    this.function = new NodeFunction(this, 'Refresh', {
      entry: 'functions/handlers/catalogue/refresh.ts',
      description: 'PromptPulse model catalogue refresh: lists the providers’ models and stores the catalogue',
      serviceName: 'promptpulse-catalogue',
      memorySize: 256,
      timeout: Duration.minutes(2),
      logRetention: props.logRetention,
      environment: {
        TABLE_NAME: props.table.table.tableName,
        PROVIDER_SECRET_ARN: props.providerKeys.secret.secretArn,
        ...(props.pin ? { MODEL_CATALOGUE_PIN: props.pin } : {}),
        ...(props.hide ? { MODEL_CATALOGUE_HIDE: props.hide } : {}),
      },
      // The shared provider configuration module names the SDKs' lazy imports; the refresh never reaches them.
      externalModules: PROVIDER_SDKS,
      ...(props.serial ? { reservedConcurrentExecutions: 1 } : {}),
    });
    props.table.grantItemReadWrite(this.function.function);
    props.providerKeys.grantRead(this.function.function);
    // The Scheduler invokes asynchronously: a refresh that failed once handed over is kept, not dropped (the next one
    // in six hours retries anyway; the record says why this one failed). Operations alarms on the queue's depth.
    this.failures = onFailureQueue(this, 'RefreshOnFailure', 'the model catalogue refresh');
    this.function.function.configureAsyncInvoke({
      retryAttempts: 1,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.failures),
    });
    this.schedule = new scheduler.Schedule(this, 'Every6Hours', {
      description: 'PromptPulse model catalogue refresh',
      scheduleGroup: props.schedules.group,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)),
      target: new targets.LambdaInvoke(this.function.function, {
        role: props.schedules.role,
        deadLetterQueue: props.schedules.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });
  }
}
