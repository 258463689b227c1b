import { Duration } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
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
export class ApiService extends Construct {
  readonly handler: NodeFunction;

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
  }
}
