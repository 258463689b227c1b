import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeWildcardResources } from '../nag.ts';
import type { DataTable } from './data-table.ts';
import { NodeFunction } from './node-function.ts';
import type { UserDirectory } from './user-directory.ts';

export interface PushWebSocketApiProps {
  readonly table: DataTable;
  /** Issues the access tokens `$connect` verifies (the SPA client's). */
  readonly users: UserDirectory;
  readonly logRetention: logs.RetentionDays;
  /** Steady-state messages per second on the stage. */
  readonly rateLimit: number;
  /** Burst messages on the stage. */
  readonly burstLimit: number;
  /** @default 'live' */
  readonly stageName?: string;
}

/** One JSON line per connect, message and disconnect. Neither the query string nor headers (the token) are logged. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    eventType: '$context.eventType',
    routeKey: '$context.routeKey',
    connectionId: '$context.connectionId',
    status: '$context.status',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);

const IAM5_MANAGE_CONNECTIONS_REASON =
  'execute-api:ManageConnections is scoped to this WebSocket stage; the trailing `@connections/*` is required ' +
  'because connection ids are created per browser connection at run time.';

/**
 * The WebSocket API that pushes run progress to browsers. One function serves `$connect` (verifies the access
 * token the browser offers as the `bearer.<token>` subprotocol in `Sec-WebSocket-Protocol` — never in the URL —
 * then confirms membership and selects the `promptpulse.v1` subprotocol; a non-2xx
 * answer makes API Gateway refuse the handshake), `$disconnect` and `$default` (`ping`/`subscribe`).
 *
 * Functions that push (the fan-out's steps) need the stage's management endpoint and `ManageConnections` on
 * it: {@link grantPush} gives both.
 */
export class PushWebSocketApi extends Construct {
  readonly handler: NodeFunction;
  /** `$connect` authorizer: refuses a missing or invalid access token before the integration runs. */
  readonly authorizer: NodeFunction;
  readonly api: apigw.WebSocketApi;
  readonly stage: apigw.WebSocketStage;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PushWebSocketApiProps) {
    super(scope, id);

    this.api = new apigw.WebSocketApi(this, 'Api', {
      description: 'PromptPulse push (run progress) WebSocket API',
      routeSelectionExpression: '$request.body.action',
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = new apigw.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName ?? 'live',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    this.handler = new NodeFunction(this, 'Ws', {
      entry: 'functions/handlers/ws/index.ts',
      description: 'PromptPulse WebSocket $connect/$disconnect/$default',
      serviceName: 'promptpulse-ws',
      memorySize: 512,
      timeout: Duration.seconds(10),
      logRetention: props.logRetention,
      environment: {
        TABLE_NAME: props.table.table.tableName,
        AUTH_PROVIDER: 'cognito',
        COGNITO_USER_POOL_ID: props.users.userPool.userPoolId,
        COGNITO_CLIENT_ID: props.users.webClient.userPoolClientId,
        WS_MANAGEMENT_ENDPOINT: this.managementEndpoint,
      },
    });
    const fn = this.handler.function;
    props.table.grantItemReadWrite(fn);
    this.grantManageConnections(fn);

    this.authorizer = new NodeFunction(this, 'Authorizer', {
      entry: 'functions/handlers/ws/authorizer.ts',
      description: 'PromptPulse WebSocket $connect authorizer (access token from the Sec-WebSocket-Protocol header)',
      serviceName: 'promptpulse-ws-authorizer',
      memorySize: 256,
      timeout: Duration.seconds(5),
      logRetention: props.logRetention,
      environment: {
        // readApiConfig's base settings; the authorizer reads no table.
        TABLE_NAME: props.table.table.tableName,
        AUTH_PROVIDER: 'cognito',
        COGNITO_USER_POOL_ID: props.users.userPool.userPoolId,
        COGNITO_CLIENT_ID: props.users.webClient.userPoolClientId,
      },
    });
    const tokenAuthorizer = new WebSocketLambdaAuthorizer('TokenAuthorizer', this.authorizer.function, {
      identitySource: ['route.request.header.Sec-WebSocket-Protocol'],
    });

    const integration = (name: string) => new WebSocketLambdaIntegration(name, fn);
    const routes = [
      this.api.addRoute('$connect', { integration: integration('ConnectIntegration'), authorizer: tokenAuthorizer }),
      this.api.addRoute('$disconnect', { integration: integration('DisconnectIntegration') }),
      this.api.addRoute('$default', { integration: integration('MessageIntegration') }),
    ];
    // $connect has the token authorizer; the other routes only run on connections that passed it.
    const reasons: Record<string, string> = {
      $disconnect: '$disconnect is only invoked by API Gateway for a connection that passed the $connect check.',
      $default: '$default only receives frames on a connection that passed the $connect check.',
    };
    for (const route of routes.filter((r) => r.routeKey !== '$connect')) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: reasons[route.routeKey] ?? 'authorized at $connect',
      });
    }
  }

  /** `wss://{apiId}.execute-api.{region}.amazonaws.com/{stage}`: what the SPA's `websocketUrl` is. */
  get url(): string {
    return this.stage.url;
  }

  /** `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`: `WS_MANAGEMENT_ENDPOINT` of pushing functions. */
  get managementEndpoint(): string {
    return this.stage.callbackUrl;
  }

  /** `execute-api:ManageConnections` on this stage's connections (post, get, delete). */
  grantManageConnections(grantee: iam.IGrantable): iam.Grant {
    const grant = this.stage.grantManagementApiAccess(grantee);
    // The wildcard on connection ids is unavoidable; acknowledge it where the grant lands (the role's policy).
    const policy = (grantee.grantPrincipal as unknown as IConstruct).node?.tryFindChild('DefaultPolicy');
    if (policy) {
      // The finding id depends on the environment (`cdk synth` resolves partition and region): computed at synthesis.
      const resources = grant.principalStatements.flatMap((statement) => statement.resources);
      acknowledgeWildcardResources(policy, resources, IAM5_MANAGE_CONNECTIONS_REASON);
    }
    return grant;
  }

  /**
   * Everything a function needs to push with `createPushNotifier()`: `WS_MANAGEMENT_ENDPOINT` and
   * `ManageConnections`. The function also needs `TABLE_NAME` and item read/write on the table (connections
   * are looked up and stale ones deleted), which `DataTable.grantItemReadWrite` gives.
   */
  grantPush(fn: lambda.Function): iam.Grant {
    fn.addEnvironment('WS_MANAGEMENT_ENDPOINT', this.managementEndpoint);
    return this.grantManageConnections(fn);
  }
}
