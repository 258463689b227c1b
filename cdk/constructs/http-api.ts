import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PUBLIC_ROUTES } from '../../shared/infra/resources.ts';
import type { ApiRouteKey } from './api-service.ts';
import type { UserDirectory } from './user-directory.ts';

export interface PublicHttpApiProps {
  /** The function serving every route no route group claims (the catch-all `ANY /{proxy+}`). */
  readonly handler: lambda.IFunction;
  /**
   * Functions serving groups of routes instead (cdk/constructs/api-service.ts `API_ROUTE_GROUPS`): more specific
   * than the catch-all, so API Gateway prefers them; same authorizer, except for the public routes they hold.
   * @default - none: `handler` serves everything
   */
  readonly routeGroups?: readonly {
    readonly name: string;
    readonly handler: lambda.IFunction;
    readonly routes: readonly ApiRouteKey[];
  }[];
  /** Issues the tokens the JWT authorizer accepts; its SPA client is the only audience. */
  readonly users: UserDirectory;
  /** Origins allowed by CORS (the SPA). */
  readonly allowedOrigins: string[];
  readonly logRetention: logs.RetentionDays;
  /** Steady-state requests per second on the default stage. */
  readonly rateLimit: number;
  /** Burst requests on the default stage. */
  readonly burstLimit: number;
}

/** One JSON line per request; `$context.authorizer.error` explains 401s without touching the function. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    sub: '$context.authorizer.claims.sub',
  }),
);

/**
 * The public HTTP API: `GET /health` open (load balancers and uptime checks carry no token), every other
 * route (`ANY /{proxy+}`) behind a JWT authorizer that accepts only tokens of the user pool issued to the SPA
 * client. The function verifies the token again and applies role checks; the authorizer keeps anonymous
 * traffic from ever invoking it. The `$default` stage is created explicitly so it can carry access logs and
 * throttling.
 */
export class PublicHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PublicHttpApiProps) {
    super(scope, id);

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'PromptPulse public HTTP API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.allowedOrigins,
        allowMethods: [apigw.CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type', 'if-match', 'x-correlation-id'],
        // The SPA may read the id of a failed request to quote it (docs/observability.md).
        exposeHeaders: ['x-correlation-id', 'etag'],
        maxAge: Duration.hours(1),
      },
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const integration = new HttpLambdaIntegration('ApiIntegration', props.handler);
    const authorizer = new HttpJwtAuthorizer('CognitoJwt', props.users.issuerUrl, {
      // Cognito access tokens carry the client id in `client_id` (no `aud`); API Gateway checks either.
      jwtAudience: [props.users.webClient.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });

    const groups = (props.routeGroups ?? []).map((group) => ({
      ...group,
      integration: new HttpLambdaIntegration(`${group.name}Integration`, group.handler),
    }));
    const sameKey = (a: ApiRouteKey, b: ApiRouteKey) => a.method === b.method && a.path === b.path;
    for (const publicRoute of PUBLIC_ROUTES) {
      // The route table writes parameters as `:name`; API Gateway as `{name}`.
      const key: ApiRouteKey = { method: publicRoute.method, path: publicRoute.path.replace(/:(\w+)/g, '{$1}') };
      const owner = groups.find((group) => group.routes.some((route) => sameKey(route, key)));
      const [route] = this.api.addRoutes({
        path: key.path,
        methods: [apigw.HttpMethod[publicRoute.method]],
        integration: owner?.integration ?? integration,
      });
      if (route) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: publicRoute.path.startsWith('/ingest/webhooks/')
            ? `${publicRoute.method} ${publicRoute.path} is authenticated by an HMAC-SHA256 signature with per-connector secrets and a replay window instead of a JWT (senders are systems, not users); it only accepts signed posts.`
            : `${publicRoute.method} ${publicRoute.path} is deliberately public (uptime checks, API description) and returns no tenant data.`,
        });
      }
    }
    this.api.addRoutes({
      path: '/{proxy+}',
      methods: [apigw.HttpMethod.ANY],
      integration,
      authorizer,
    });
    const isPublic = (key: ApiRouteKey) =>
      PUBLIC_ROUTES.some((route) =>
        sameKey(key, { method: route.method, path: route.path.replace(/:(\w+)/g, '{$1}') }),
      );
    for (const group of groups) {
      for (const key of group.routes.filter((route) => !isPublic(route))) {
        this.api.addRoutes({
          path: key.path,
          methods: [apigw.HttpMethod[key.method]],
          integration: group.integration,
          authorizer,
        });
      }
    }
  }

  /** Base URL of the `$default` stage, ending with `/`. */
  get url(): string {
    return this.stage.url;
  }
}
