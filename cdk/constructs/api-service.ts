import { Duration, type IResolveContext, Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { SnowflakeDeliverySettings } from '../context.ts';
import { acknowledgeWildcardResources } from '../nag.ts';
import { CONNECTOR_NODE_MODULES } from './connector-ingest.ts';
import type { DataTable } from './data-table.ts';
import type { EventStream } from './event-stream.ts';
import type { LakeBucket } from './lake-bucket.ts';
import { NodeFunction } from './node-function.ts';
import { connectToSnowflakeWarehouse, type SnowflakeCredentials } from './snowflake-delivery.ts';
import type { UserDirectory } from './user-directory.ts';

export interface ApiServiceProps {
  readonly table: DataTable;
  readonly eventStream: EventStream;
  readonly lake: LakeBucket;
  readonly users: UserDirectory;
  readonly logRetention: logs.RetentionDays;
  /** The Snowflake warehouse the analytics function queries (context `snowflakeAccountUrl`). @default - DuckDB over the lake */
  readonly snowflake?: { settings: SnowflakeDeliverySettings; credentials: SnowflakeCredentials };
}

/** A route key of the HTTP API (API Gateway syntax: `{param}`, greedy `{proxy+}`). */
export interface ApiRouteKey {
  readonly method: 'ANY' | 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
}

/** The routes that query the warehouse (`/brands/:brandId/analytics/:name`, routes/analytics.ts and drilldown.ts). */
export const ANALYTICS_ROUTE = { method: 'GET', path: '/brands/{brandId}/analytics/{name}' } as const;

/**
 * Which HTTP API routes go to which function besides the `api` function's catch-all (`ANY /{proxy+}`), by route
 * group (functions/handlers/api/route-table.ts). API Gateway picks the most specific matching route, so these win
 * over the catch-all; test/infra/api-route-groups.test.ts checks that every route of the app lands on a function
 * that serves it.
 */
export const API_ROUTE_GROUPS = {
  /** The warehouse queries and the prompt drill-down, with the warehouse drivers. */
  analytics: [ANALYTICS_ROUTE],
  /** The OpenAPI document (public). */
  docs: [{ method: 'GET', path: '/openapi.json' }],
  /** The Action Hub: actions, their generation and the CRM integrations. */
  actions: [
    { method: 'ANY', path: '/actions' },
    { method: 'ANY', path: '/actions/{proxy+}' },
    { method: 'POST', path: '/brands/{brandId}/actions/generate' },
    { method: 'ANY', path: '/integrations' },
    { method: 'ANY', path: '/integrations/{proxy+}' },
  ],
  /** Connector administration and the signed inbound webhooks. */
  connectors: [
    { method: 'ANY', path: '/connectors' },
    { method: 'ANY', path: '/connectors/{proxy+}' },
    { method: 'POST', path: '/ingest/webhooks/{connectorId}' },
  ],
} as const satisfies Record<string, readonly ApiRouteKey[]>;

export type ApiRouteGroup = keyof typeof API_ROUTE_GROUPS;

/** Where workspace exports are written (functions/adapters/aws/s3-workspace-export.ts `exportKey`). */
export const WORKSPACE_EXPORTS_KEY_PATTERN = 'tenants/*/exports/*';
/** Everything a tenant owns in the lake bucket (raw answers, lake files, exports). */
export const TENANT_OBJECTS_KEY_PATTERN = 'tenants/*';

/**
 * The workspace export (`POST /workspaces/current/export`, core routes; functions/adapters/aws/s3-workspace-export.ts)
 * runs in the core function, so it gets exactly the export's calls:
 * - `dynamodb:Scan` of the base table: a tenant's items are spread over partitions per run, answer, event, day and
 *   brand (docs/data-model.md), with no index across them, so they are found by the `<tenantId>#` key prefix in a
 *   Scan (the function already reads and writes any item: isolation is the key builders', see above, so a Scan adds
 *   no data it could not already reach; what it costs is time, docs/runbook.md "Tenant lifecycle");
 * - `s3:ListBucket` under `tenants/` and `s3:GetObject` on `tenants/*` (the tenant's raw answers and lake files, and
 *   the download link, which is signed with this role and so needs GetObject on the export it names);
 * - `s3:PutObject` (a single put, or the multipart upload's create/part/complete) and `s3:AbortMultipartUpload` on
 *   `tenants/<tenantId>/exports/` (any tenant: `WORKSPACE_EXPORTS_KEY_PATTERN`) only.
 */
function grantWorkspaceExport(fn: lambda.Function, props: ApiServiceProps): void {
  const { bucket } = props.lake;
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Scan'], resources: [props.table.table.tableArn] }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [TENANT_OBJECTS_KEY_PATTERN] } },
    }),
  );
  const tenantObjects = bucket.arnForObjects(TENANT_OBJECTS_KEY_PATTERN);
  const exports = bucket.arnForObjects(WORKSPACE_EXPORTS_KEY_PATTERN);
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [tenantObjects] }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [exports] }),
  );
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (policy) {
    acknowledgeWildcardResources(
      policy,
      [tenantObjects, exports],
      'The workspace export reads the exporting tenant’s objects under tenants/<tenantId>/ and writes the archive ' +
        'under tenants/<tenantId>/exports/; the tenant comes from the verified token per request, so no static ' +
        'resource can name it (object names are chosen by Firehose and the fan-out).',
    );
  }
}

/** Where the lake's canonical events are (what DuckDB reads): `tenants/<tenant>/events/...`. */
export const LAKE_EVENTS_KEY_PATTERN = 'tenants/*/events/*';

/**
 * The Lambda functions behind the HTTP API, one per route group, each with the environment `functions/config.ts`
 * reads and exactly the access it needs: `api` (core routes: item reads/writes on the table, putting canonical
 * events on the stream, the user pool's admin API), `actions` and `connectors` (the table; their bus, stream,
 * secret and state-machine grants come from ActionSync and ConnectorIngest), `analytics` (warehouse queries and the
 * drill-down, with the warehouse drivers: reads the table and the lake's events) and `docs` (the OpenAPI document). Splitting by route group keeps each bundle to the code
 * its routes use (the cold-start budget, bench/cold-start.bench.ts); locally one process serves the whole app.
 * `LAKE_BUCKET` is passed because `functions/config.ts` reads it; only the analytics function may read the lake.
 *
 * The table grants are not narrowed with `dynamodb:LeadingKeys`: one function serves every tenant and takes the
 * tenant from the verified token per request, so no static condition can name it. Tenant isolation is enforced
 * by the key builders (every key starts with the tenant id) and tested there.
 */
export class ApiService extends Construct {
  /** The core routes and the HTTP API's catch-all (functions/handlers/api/core.ts). */
  readonly handler: NodeFunction;
  /**
   * The warehouse queries and drill-down (functions/handlers/api/analytics.ts), with the warehouse drivers installed
   * next to the bundle: the heavy drivers (snowflake-sdk is megabytes) stay out of every other function.
   */
  readonly analytics: NodeFunction;
  /** `GET /openapi.json` from the generated document (functions/handlers/api/docs.ts). */
  readonly docs: NodeFunction;
  /** The Action Hub routes (functions/handlers/api/actions.ts). */
  readonly actions: NodeFunction;
  /** Connector administration and signed webhooks (functions/handlers/api/connectors.ts). */
  readonly connectors: NodeFunction;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    this.handler = new NodeFunction(this, 'Api', {
      entry: 'functions/handlers/api/core.ts',
      description: 'PromptPulse HTTP API: core routes',
      serviceName: 'promptpulse-api',
      memorySize: 1024,
      timeout: Duration.seconds(15),
      logRetention: props.logRetention,
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
    grantWorkspaceExport(fn, props);
    props.users.userPool.grant(
      fn,
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminRemoveUserFromGroup',
    );

    // The route-group functions read the same configuration (functions/config.ts) at cold start, and keep their
    // records in the table; their other grants come from the constructs they work with.
    const routeGroupFunction = (
      id: string,
      entry: string,
      description: string,
      serviceName: string,
      nodeModules?: readonly string[],
    ) => {
      const group = new NodeFunction(this, id, {
        entry,
        ...(nodeModules ? { nodeModules: [...nodeModules] } : {}),
        description: `PromptPulse HTTP API: ${description}`,
        serviceName,
        memorySize: 1024,
        timeout: Duration.seconds(15),
        logRetention: props.logRetention,
      });
      shareEnvironment(fn, group.function, { POWERTOOLS_SERVICE_NAME: serviceName });
      props.table.grantItemReadWrite(group.function);
      return group;
    };
    // The bus grant comes from ActionSync.
    this.actions = routeGroupFunction(
      'Actions',
      'functions/handlers/api/actions.ts',
      'Action Hub routes',
      'promptpulse-api-actions',
    );
    // The stream, connector keys and state machine grants come from ConnectorIngest (its `api` function).
    this.connectors = routeGroupFunction(
      'Connectors',
      'functions/handlers/api/connectors.ts',
      'connector administration and signed webhooks',
      'promptpulse-api-connectors',
      // "Fetch a sample now" reads feeds and detects languages like the ingest function.
      CONNECTOR_NODE_MODULES,
    );

    this.analytics = new NodeFunction(this, 'Analytics', {
      entry: 'functions/handlers/api/analytics.ts',
      description: 'PromptPulse HTTP API: analytics routes (warehouse queries, drill-down)',
      serviceName: 'promptpulse-analytics',
      memorySize: 2048,
      timeout: Duration.seconds(29),
      logRetention: props.logRetention,
      // Installed, not bundled: DuckDB's native binding cannot be bundled, and both drivers are imported on the first
      // warehouse query (functions/adapters/warehouse/index.ts), so they add nothing to the cold start.
      nodeModules: ['@duckdb/node-api', 'snowflake-sdk'],
    });
    shareEnvironment(fn, this.analytics.function, {
      POWERTOOLS_SERVICE_NAME: 'promptpulse-analytics',
    });
    const analyticsFn = this.analytics.function;
    // With Snowflake: its settings and the key secret's ARN (never the key), and a read grant on that secret only.
    if (props.snowflake) connectToSnowflakeWarehouse(analyticsFn, props.snowflake);

    // Public and stateless: no table, no token verification; the document is part of the bundle.
    this.docs = new NodeFunction(this, 'Docs', {
      entry: 'functions/handlers/api/docs.ts',
      description: 'PromptPulse HTTP API: the OpenAPI document',
      serviceName: 'promptpulse-api-docs',
      memorySize: 256,
      timeout: Duration.seconds(5),
      logRetention: props.logRetention,
    });
    // Authorization and the drill-down read the table, DuckDB reads the lake's events; nothing else.
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

  /** The function serving each route group of {@link API_ROUTE_GROUPS}. */
  get routeGroupHandlers(): Record<ApiRouteGroup, NodeFunction> {
    return { analytics: this.analytics, docs: this.docs, actions: this.actions, connectors: this.connectors };
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
  // The target's own variables (added later by grants such as ConnectorIngest's) stay, on top of the source's.
  const ownEnvironment = targetCfn.environment;
  targetCfn.environment = Lazy.uncachedAny({
    produce: (context: IResolveContext) => {
      const resolved = context.resolve(sourceCfn.environment) as { variables?: Record<string, unknown> } | undefined;
      const own = context.resolve(ownEnvironment) as { variables?: Record<string, unknown> } | undefined;
      const variables = { ...(resolved?.variables ?? {}), ...(own?.variables ?? {}), ...overrides };
      return { variables };
    },
  }) as unknown as lambda.CfnFunction.EnvironmentProperty;
}
