import { Duration, type IResolveContext, Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../nag.ts';
import type { DataTable } from './data-table.ts';
import type { EventStream } from './event-stream.ts';
import type { LakeBucket } from './lake-bucket.ts';
import { NodeFunction } from './node-function.ts';
import type { UserDirectory } from './user-directory.ts';

export interface ApiServiceProps {
  readonly table: DataTable;
  readonly eventStream: EventStream;
  readonly lake: LakeBucket;
  readonly users: UserDirectory;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The `api` Lambda function behind the HTTP API, with the environment `functions/config.ts` reads and exactly
 * the access it needs: item reads/writes on the table and index queries, and putting canonical events on the
 * stream. `LAKE_BUCKET` is passed because `functions/config.ts` reads it, but no lake access is granted until a
 * route needs it (raw events reach the lake through the stream, not through the API).
 *
 * The table grant is not narrowed with `dynamodb:LeadingKeys`: one function serves every tenant and takes the
 * tenant from the verified token per request, so no static condition can name it. Tenant isolation is enforced
 * by the key builders (every key starts with the tenant id) and tested there.
 */
/** The routes that query the warehouse (`/brands/:brandId/analytics/:name` in functions/handlers/api/routes.ts). */
export const ANALYTICS_ROUTE = { method: 'GET', path: '/brands/{brandId}/analytics/{name}' } as const;

/** Heavy warehouse drivers replaced by a throwing stub in the API bundle (cdk/bundling/unavailable-module.ts). */
export const WAREHOUSE_DRIVERS = ['snowflake-sdk', '@duckdb/node-api'] as const;

/** Where the lake's canonical events are (what DuckDB reads): `tenants/<tenant>/events/...`. */
export const LAKE_EVENTS_KEY_PATTERN = 'tenants/*/events/*';

export class ApiService extends Construct {
  readonly handler: NodeFunction;
  /**
   * The same API app, bundled with the warehouse drivers, serving only the analytics routes ({@link ANALYTICS_ROUTE}):
   * the heavy drivers (snowflake-sdk is megabytes) stay out of the cold start of every other request.
   */
  readonly analytics: NodeFunction;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    this.handler = new NodeFunction(this, 'Api', {
      entry: 'functions/handlers/api/index.ts',
      description: 'PromptPulse HTTP API',
      serviceName: 'promptpulse-api',
      memorySize: 1024,
      timeout: Duration.seconds(15),
      logRetention: props.logRetention,
      // DuckDB's native binding (one npm package per platform, required by a platform switch) cannot be bundled by
      // esbuild. The warehouse module is imported lazily (first analytics request), so leaving the bindings out
      // keeps every other route working; WAREHOUSE=duckdb in Lambda needs the linux-arm64 binding shipped (layer).
      externalModules: ['@duckdb/node-bindings-*'],
      // Analytics routes go to the analytics function (HTTP API route), so the drivers are dead code here.
      aliases: Object.fromEntries(WAREHOUSE_DRIVERS.map((name) => [name, 'cdk/bundling/unavailable-module.ts'])),
      environment: {
        TABLE_NAME: props.table.table.tableName,
        EVENT_STREAM_NAME: props.eventStream.stream.streamName,
        LAKE_BUCKET: props.lake.bucket.bucketName,
        AUTH_PROVIDER: 'cognito',
        COGNITO_USER_POOL_ID: props.users.userPool.userPoolId,
        COGNITO_CLIENT_ID: props.users.webClient.userPoolClientId,
        // Member invitations go through the user pool's admin API (functions/adapters/aws/cognito-user-directory.ts).
        USER_POOL_ID: props.users.userPool.userPoolId,
      },
    });
    const fn = this.handler.function;
    props.table.grantItemReadWrite(fn);
    props.eventStream.grantWrite(fn);
    props.users.userPool.grant(
      fn,
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminRemoveUserFromGroup',
    );

    this.analytics = new NodeFunction(this, 'Analytics', {
      entry: 'functions/handlers/api/index.ts',
      description: 'PromptPulse HTTP API: analytics routes (warehouse queries)',
      serviceName: 'promptpulse-analytics',
      memorySize: 2048,
      timeout: Duration.seconds(29),
      logRetention: props.logRetention,
      externalModules: ['@duckdb/node-bindings-*'],
    });
    shareEnvironment(this.handler.function, this.analytics.function, {
      POWERTOOLS_SERVICE_NAME: 'promptpulse-analytics',
    });
    const analyticsFn = this.analytics.function;
    // It runs the same app (authorization reads the table) and reads the lake's events (DuckDB); nothing else.
    props.table.grantItemRead(analyticsFn);
    const events = props.lake.bucket.arnForObjects(LAKE_EVENTS_KEY_PATTERN);
    analyticsFn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [events] }));
    analyticsFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.lake.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['tenants/*'] } },
      }),
    );
    const policy = this.analytics.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledgeWildcardResources(
        policy,
        [events],
        'The analytics function reads canonical event files under tenants/<tenant>/events/ (names chosen by ' +
          'Firehose at delivery); only GetObject, only that prefix; the tenant filter is applied per query.',
      );
    }
  }
}

/**
 * Gives `target` the environment of `source` as it is at synthesis (including variables added later by grants such
 * as `STATE_MACHINE_ARN`), with `overrides` on top: both functions run the same entry, which reads its whole
 * configuration at cold start.
 */
function shareEnvironment(source: lambda.Function, target: lambda.Function, overrides: Record<string, string>): void {
  const sourceCfn = source.node.defaultChild as lambda.CfnFunction;
  const targetCfn = target.node.defaultChild as lambda.CfnFunction;
  targetCfn.environment = Lazy.uncachedAny({
    produce: (context: IResolveContext) => {
      const resolved = context.resolve(sourceCfn.environment) as { variables?: Record<string, unknown> } | undefined;
      const variables = { ...(resolved?.variables ?? {}), ...overrides };
      return { variables };
    },
  }) as unknown as lambda.CfnFunction.EnvironmentProperty;
}
