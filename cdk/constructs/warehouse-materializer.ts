import { createHash } from 'node:crypto';
import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { derivedTablesDdl } from '../../functions/adapters/warehouse/queries.ts';
import { snowflakeDdl } from '../../functions/adapters/warehouse/snowflake-schema.ts';
import type { SnowflakeDeliverySettings } from '../context.ts';
import { acknowledgeGeneratedWildcardResources, acknowledgeWildcardResources } from '../nag.ts';
import { onFailureQueue } from './action-sync.ts';
import { LAKE_EVENTS_KEY_PATTERN } from './api-service.ts';
import type { LakeBucket } from './lake-bucket.ts';
import { NodeFunction } from './node-function.ts';
import { connectToSnowflakeWarehouse, type SnowflakeCredentials } from './snowflake-delivery.ts';

export interface WarehouseMaterializerProps {
  readonly lake: LakeBucket;
  readonly logRetention: logs.RetentionDays;
  /**
   * The Snowflake warehouse (context `snowflakeAccountUrl`): the job queries it with the key pair from the secret, and
   * may read that secret only. @default - DuckDB over the lake
   */
  readonly snowflake?: { settings: SnowflakeDeliverySettings; credentials: SnowflakeCredentials };
  /**
   * Reserve concurrency 1 so a rebuild never overlaps the previous one. Only where the account's Lambda concurrency
   * quota leaves room (context `reservedConcurrency`, prod): a new account's quota of 10 refuses any reservation,
   * and the stack would roll back. Without it an overlap is possible only when a run takes over an hour (the
   * timeout is 10 minutes and an async retry older than an hour is dropped), and a rebuild is idempotent.
   * @default false
   */
  readonly serial?: boolean;
}

/**
 * The scheduled warehouse materialization: an hourly EventBridge rule invokes `functions/handlers/materialize`, which
 * rebuilds the derived daily summaries the analytics queries read (docs/warehouse.md). It matters with Snowflake (one
 * shared warehouse); with DuckDB every Lambda container holds its own copy, so there the job only proves the lake loads.
 * Serial (reserved concurrency 1) where the stage reserves concurrency: a rebuild never overlaps the previous one.
 */
export class WarehouseMaterializer extends Construct {
  readonly job: NodeFunction;
  readonly rule: events.Rule;
  /** Where an hourly run that failed for good goes (Lambda on-failure destination; alarmed on depth by Operations). */
  readonly failures: sqs.Queue;
  /**
   * With Snowflake: the schema migration at deploy, a custom resource served by the job's own function (it holds the
   * connection settings and the secret grant). Its `DdlHash` changes with the DDL, so a deploy that changes a view
   * migrates again; the migration is idempotent either way.
   */
  readonly schema?: CustomResource;

  constructor(scope: Construct, id: string, props: WarehouseMaterializerProps) {
    super(scope, id);
    this.job = new NodeFunction(this, 'Materialize', {
      entry: 'functions/handlers/materialize/index.ts',
      description: 'PromptPulse warehouse materialization: rebuilds the derived daily summaries',
      serviceName: 'promptpulse-materialize',
      memorySize: 2048,
      timeout: Duration.minutes(10),
      logRetention: props.logRetention,
      // Installed, not bundled: DuckDB's native binding cannot be bundled, and both drivers are imported on the first
      // warehouse query (functions/adapters/warehouse/index.ts), so they add nothing to the cold start.
      nodeModules: ['@duckdb/node-api', 'snowflake-sdk'],
      ...(props.serial ? { reservedConcurrentExecutions: 1 } : {}),
      environment: { LAKE_BUCKET: props.lake.bucket.bucketName },
    });
    const fn = this.job.function;
    // The rule invokes asynchronously: one retry, and a run older than the next one's start is not worth finishing.
    this.failures = onFailureQueue(this, 'MaterializeOnFailure', 'the warehouse materialization');
    fn.configureAsyncInvoke({
      retryAttempts: 1,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.failures),
    });
    if (props.snowflake) {
      connectToSnowflakeWarehouse(fn, props.snowflake);
      const ddl = [...snowflakeDdl(props.snowflake.settings.table), ...derivedTablesDdl('snowflake')];
      const provider = new cr.Provider(this, 'SchemaProvider', { onEventHandler: fn });
      this.schema = new CustomResource(this, 'WarehouseSchema', {
        serviceToken: provider.serviceToken,
        resourceType: 'Custom::PromptPulseWarehouseSchema',
        properties: { DdlHash: createHash('sha256').update(ddl.join('\n;\n')).digest('hex') },
      });
      acknowledgeSchemaProvider(provider);
    }
    const lakeEvents = props.lake.bucket.arnForObjects(LAKE_EVENTS_KEY_PATTERN);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [lakeEvents] }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.lake.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['tenants/', 'tenants/*'] } },
      }),
    );
    const policy = this.job.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledgeWildcardResources(
        policy,
        [lakeEvents],
        'The materialization reads canonical event files under tenants/<tenant>/events/ (names chosen by Firehose); ' +
          'only GetObject, only that prefix.',
      );
    }
    this.rule = new events.Rule(this, 'Hourly', {
      description: 'PromptPulse warehouse materialization',
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new eventsTargets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.minutes(30) })],
    });
  }
}

/** cdk-nag findings of the Provider framework's own function (aws-cdk-lib writes its role), reviewed. */
function acknowledgeSchemaProvider(provider: cr.Provider): void {
  const framework = provider.node.tryFindChild('framework-onEvent');
  const role = framework?.node.tryFindChild('ServiceRole');
  if (!role) return;
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'The custom resource Provider framework (aws-cdk-lib) gives its deploy-time function the basic execution ' +
      'policy (its own log group); it runs only during a deploy.',
  });
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy instanceof iam.Policy) {
    acknowledgeGeneratedWildcardResources(
      policy,
      'The Provider framework (aws-cdk-lib) grants lambda:InvokeFunction on the warehouse job function and its ' +
        'versions (`<function arn>:*`); only that function, only at deploy.',
    );
  }
}
