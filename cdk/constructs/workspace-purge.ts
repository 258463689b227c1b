import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SnowflakeDeliverySettings } from '../context.ts';
import { acknowledgeWildcardResources } from '../nag.ts';
import { onFailureQueue } from './action-sync.ts';
import { TENANT_OBJECTS_KEY_PATTERN } from './api-service.ts';
import type { DataTable } from './data-table.ts';
import type { LakeBucket } from './lake-bucket.ts';
import { NodeFunction } from './node-function.ts';
import type { ScheduleGroup } from './schedule-group.ts';
import { connectToSnowflakeWarehouse, type SnowflakeCredentials } from './snowflake-delivery.ts';
import type { UserDirectory } from './user-directory.ts';

/** The Cognito admin actions the purge uses (`CognitoUserDirectory.setRoleGroup(user, null)`): list, then remove. */
export const PURGE_DIRECTORY_ACTIONS = ['cognito-idp:AdminListGroupsForUser', 'cognito-idp:AdminRemoveUserFromGroup'];

export interface WorkspacePurgeProps {
  readonly table: DataTable;
  readonly lake: LakeBucket;
  readonly users: UserDirectory;
  readonly schedules: ScheduleGroup;
  readonly logRetention: logs.RetentionDays;
  /** The Snowflake warehouse, whose rows of the tenant the purge deletes too. @default - DuckDB over the lake */
  readonly snowflake?: { settings: SnowflakeDeliverySettings; credentials: SnowflakeCredentials };
}

/**
 * The workspace purge (functions/handlers/lifecycle/purge.ts): an EventBridge Scheduler schedule in the PromptPulse
 * group invokes it hourly; it purges every workspace whose 7-day grace period has ended — directory memberships and
 * Cognito role groups, the tenant's objects under `tenants/<tenantId>/`, the warehouse rows (Snowflake), then every
 * table item — saving its step after each, so a failed run resumes next hour. The local stack runs the same function
 * on a timer (local/stack.ts). Grants are the purge's own calls and nothing more (see the statements below).
 */
export class WorkspacePurge extends Construct {
  readonly function: NodeFunction;
  readonly schedule: scheduler.Schedule;
  /** Invocation records of purge runs that failed once handed to Lambda (a purge left `purging` resumes anyway). */
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkspacePurgeProps) {
    super(scope, id);
    this.function = new NodeFunction(this, 'Purge', {
      entry: 'functions/handlers/lifecycle/purge.ts',
      description: 'PromptPulse workspace purge: deletes what a workspace owned once its deletion grace period ended',
      serviceName: 'promptpulse-purge',
      memorySize: 512,
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
      environment: {
        TABLE_NAME: props.table.table.tableName,
        LAKE_BUCKET: props.lake.bucket.bucketName,
        USER_POOL_ID: props.users.userPool.userPoolId,
      },
      // DuckDB is never loaded here (its rows are the lake files, deleted in the objects step; see
      // purgeWarehouseRows); the Snowflake driver is installed only where Snowflake is the warehouse.
      ...(props.snowflake
        ? { externalModules: ['@duckdb/node-api'], nodeModules: ['snowflake-sdk'] }
        : { externalModules: ['@duckdb/node-api', 'snowflake-sdk'] }),
    });
    const fn = this.function.function;
    props.table.grantTenantPurge(fn);
    props.users.userPool.grant(fn, ...PURGE_DIRECTORY_ACTIONS);
    // S3TenantObjects: ListObjectsV2 under tenants/ and DeleteObjects (checked as s3:DeleteObject per key).
    const tenantObjects = props.lake.bucket.arnForObjects(TENANT_OBJECTS_KEY_PATTERN);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.lake.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [TENANT_OBJECTS_KEY_PATTERN] } },
      }),
    );
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [tenantObjects] }));
    if (props.snowflake) connectToSnowflakeWarehouse(fn, props.snowflake);
    const policy = this.function.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledgeWildcardResources(
        policy,
        [tenantObjects],
        'The purge deletes a deleted workspace’s objects under tenants/<tenantId>/ (the tenant is only known per run, ' +
          'from the deletion ledger); only DeleteObject, only the tenants/ prefix.',
      );
    }

    // The Scheduler invokes asynchronously: a run that failed once handed over is kept (the next hour resumes the
    // purge at its saved step anyway; the record says why this one failed). Operations alarms on the queue's depth.
    this.failures = onFailureQueue(this, 'PurgeOnFailure', 'the workspace purge');
    fn.configureAsyncInvoke({
      retryAttempts: 1,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.failures),
    });
    this.schedule = new scheduler.Schedule(this, 'Hourly', {
      description: 'PromptPulse workspace purge',
      scheduleGroup: props.schedules.group,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      target: new targets.LambdaInvoke(fn, {
        role: props.schedules.role,
        deadLetterQueue: props.schedules.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });
  }
}
