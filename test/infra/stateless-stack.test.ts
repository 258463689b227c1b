import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_ROUTE_GROUPS } from '../../cdk/constructs/api-service.ts';
import { defaultTemplates, logicalIdOf } from './support.ts';

describe('stateless stack', () => {
  const { app, stateless: template } = defaultTemplates();
  const stack = app.stateless;
  const fnId = logicalIdOf(stack.service.handler.function);

  describe('api function', () => {
    it('runs Node.js 22 on arm64 with active tracing and the ESM handler', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      expect(template.toJSON().Resources[fnId].Properties.Runtime).toBe('nodejs22.x');
    });

    it('gets the environment functions/config.ts reads', () => {
      const env = template.toJSON().Resources[fnId].Properties.Environment.Variables;
      expect(Object.keys(env).sort()).toEqual(
        [
          'AUTH_PROVIDER',
          'COGNITO_CLIENT_ID',
          'COGNITO_USER_POOL_ID',
          'EVENT_STREAM_NAME',
          'LAKE_BUCKET',
          'NODE_OPTIONS',
          'POWERTOOLS_LOG_LEVEL',
          'POWERTOOLS_METRICS_NAMESPACE',
          'POWERTOOLS_SERVICE_NAME',
          // Brand changes start a re-analysis job (cdk/constructs/reanalysis.ts).
          'REANALYSIS_STATE_MACHINE_ARN',
          // Runs start the prompt fan-out (cdk/constructs/prompt-fanout.ts).
          'STATE_MACHINE_ARN',
          'TABLE_NAME',
          'USER_POOL_ID',
        ].sort(),
      );
      expect(env.AUTH_PROVIDER).toBe('cognito');
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
    });

    it('logs to its own log group with a retention', () => {
      const logGroupId = logicalIdOf(stack.service.handler.logGroup);
      template.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: { LogGroup: { Ref: logGroupId } },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
      expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(90);
    });

    it('is granted items on the table and writes on the stream, and nothing broad', () => {
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalIdOf(stack.service.handler.role) }] },
      });
      const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
      const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'kinesis:PutRecord']));
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      // The workspace export's Scan and S3 calls are checked in workspace-export-grants.test.ts.
      expect(actions.filter((a) => a.startsWith('s3:')).sort()).toEqual([
        's3:AbortMultipartUpload',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
      ]);
      // The only statement on every resource is X-Ray's, which has no resource-level permissions.
      const onEverything = statements.filter((s) => s.Resource === '*');
      expect(onEverything.flatMap((s) => [s.Action].flat()).every((a: string) => a.startsWith('xray:'))).toBe(true);
      // The execution role carries no AWS managed policy (AWSLambdaBasicExecutionRole writes to any log group).
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });
  });

  describe('http api', () => {
    const apiId = logicalIdOf(stack.httpApi.api);

    it('has a JWT authorizer on the user pool issuer with the SPA client as audience', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        ApiId: { Ref: apiId },
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Audience: [Match.anyValue()],
          Issuer: Match.anyValue(),
        },
      });
      const [authorizer] = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'));
      // Both come from the stateful stack: the pool's provider URL (its issuer) and the SPA client id.
      expect(JSON.stringify(authorizer?.Properties.JwtConfiguration.Issuer)).toMatch(/UserPool\w*ProviderURL/);
      expect(JSON.stringify(authorizer?.Properties.JwtConfiguration.Audience)).toMatch(/UserPoolWebClient/);
    });

    it('protects ANY /{proxy+} with the JWT authorizer and leaves only the public routes open', () => {
      const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: 'ANY /{proxy+}',
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
      for (const routeKey of ['GET /health', 'GET /openapi.json', 'POST /ingest/webhooks/{connectorId}']) {
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: routeKey,
          AuthorizationType: 'NONE',
          AuthorizerId: Match.absent(),
        });
      }
      // Every other route carries the JWT authorizer: the catch-all and the route groups' routes.
      const httpRoutes = Object.values(
        template.findResources('AWS::ApiGatewayV2::Route', { Properties: { ApiId: { Ref: apiId } } }),
      ).map((route) => route.Properties as { RouteKey: string; AuthorizationType: string });
      const open = httpRoutes.filter((route) => route.AuthorizationType !== 'JWT').map((route) => route.RouteKey);
      expect(open.sort()).toEqual(['GET /health', 'GET /openapi.json', 'POST /ingest/webhooks/{connectorId}']);
      const groupKeys = Object.values(API_ROUTE_GROUPS).flatMap((keys) => keys.map((k) => `${k.method} ${k.path}`));
      expect(httpRoutes.map((route) => route.RouteKey).sort()).toEqual(
        [...new Set(['ANY /{proxy+}', 'GET /health', ...groupKeys])].sort(),
      );
    });

    it('routes the warehouse queries to the analytics function, behind the same authorizer', () => {
      const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
      const analyticsId = logicalIdOf(stack.service.analytics.function);
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: { IntegrationUri: { 'Fn::GetAtt': [analyticsId, 'Arn'] } },
      });
      expect(Object.keys(integrations)).toHaveLength(1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: 'GET /brands/{brandId}/analytics/{name}',
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: Object.keys(integrations)[0] }]] },
      });
    });

    it('the analytics function runs the warehouse routes with the API environment, reads the table and lake events only', () => {
      const resources = template.toJSON().Resources;
      const api = resources[fnId].Properties;
      const analytics = resources[logicalIdOf(stack.service.analytics.function)].Properties;
      expect(stack.service.analytics.entry).toBe('functions/handlers/api/analytics.ts');
      expect(stack.service.handler.entry).toBe('functions/handlers/api/core.ts');
      expect({ ...api.Environment.Variables, POWERTOOLS_SERVICE_NAME: 'promptpulse-analytics' }).toEqual(
        analytics.Environment.Variables,
      );
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalIdOf(stack.service.analytics.role) }] },
      });
      const actions = Object.values(policies)
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .flatMap((s: { Action: string | string[] }) => [s.Action].flat());
      expect(actions.filter((a) => /Put|Update|Delete|Write|kinesis|states|cognito/.test(a)).sort()).toEqual([
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 's3:GetObject', 's3:ListBucket']));
    });

    it('the route-group functions get the shared environment plus their own grants, and nothing of the others', () => {
      const resources = template.toJSON().Resources;
      const envOf = (fn: { function: unknown }) =>
        resources[logicalIdOf(fn.function as never)].Properties.Environment.Variables as Record<string, unknown>;
      const actionsEnv = envOf(stack.service.actions);
      const connectorsEnv = envOf(stack.service.connectors);
      expect(actionsEnv.ACTION_BUS_NAME).toBeDefined();
      expect(actionsEnv.CONNECTOR_STATE_MACHINE_ARN).toBeUndefined();
      expect(connectorsEnv.CONNECTOR_STATE_MACHINE_ARN).toBeDefined();
      expect(connectorsEnv.ACTION_BUS_NAME).toBeUndefined();
      for (const env of [actionsEnv, connectorsEnv])
        expect(env.TABLE_NAME).toEqual(envOf(stack.service.handler).TABLE_NAME);
      const actionsOf = (fn: { role: unknown }) =>
        Object.values(
          template.findResources('AWS::IAM::Policy', {
            Properties: { Roles: [{ Ref: logicalIdOf(fn.role as never) }] },
          }),
        )
          .flatMap((p) => p.Properties.PolicyDocument.Statement)
          .flatMap((s: { Action: string | string[] }) => [s.Action].flat());
      expect(actionsOf(stack.service.actions)).toEqual(expect.arrayContaining(['events:PutEvents']));
      expect(actionsOf(stack.service.actions)).not.toEqual(expect.arrayContaining(['states:StartExecution']));
      expect(actionsOf(stack.service.connectors)).toEqual(expect.arrayContaining(['states:StartExecution']));
      expect(actionsOf(stack.service.connectors)).not.toEqual(expect.arrayContaining(['events:PutEvents']));
      expect(actionsOf(stack.service.handler).filter((a) => a.startsWith('cognito-idp:')).length).toBeGreaterThan(0);
      expect(actionsOf(stack.service.actions).filter((a) => a.startsWith('cognito-idp:'))).toEqual([]);
    });

    it('has a $default stage with access logs and throttling', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        ApiId: { Ref: apiId },
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [logicalIdOf(stack.httpApi.accessLogs), 'Arn'] },
          Format: Match.stringLikeRegexp('\\$context\\.requestId'),
        },
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
    });

    it('allows the SPA origin by CORS', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: Match.objectLike({
          AllowOrigins: ['http://localhost:5173'],
          // If-Match: the SPA's optimistic-concurrency writes; without it every such PATCH/PUT fails its preflight.
          AllowHeaders: ['authorization', 'content-type', 'if-match', 'x-correlation-id'],
          ExposeHeaders: ['x-correlation-id', 'etag'],
        }),
      });
    });

    it('outputs the API URL', () => {
      template.hasOutput('ApiUrl', {});
    });
  });

  describe('websocket api', () => {
    const ws = stack.webSocket;
    const wsApiId = logicalIdOf(ws.api);
    const wsFnId = logicalIdOf(ws.handler.function);

    it('is a WebSocket API selecting routes by `action`', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'WEBSOCKET',
        RouteSelectionExpression: '$request.body.action',
      });
    });

    it('puts a Lambda token authorizer (the Sec-WebSocket-Protocol header) on $connect only', () => {
      const authorizerFn = logicalIdOf(ws.authorizer.function);
      const authorizers = template.findResources('AWS::ApiGatewayV2::Authorizer', {
        Properties: { ApiId: { Ref: wsApiId } },
      });
      expect(Object.values(authorizers).map((a) => a.Properties)).toEqual([
        expect.objectContaining({
          AuthorizerType: 'REQUEST',
          IdentitySource: ['route.request.header.Sec-WebSocket-Protocol'],
          AuthorizerUri: expect.objectContaining({ 'Fn::Join': expect.anything() }),
        }),
      ]);
      expect(JSON.stringify(Object.values(authorizers)[0])).toContain(authorizerFn);
      const routes = Object.values(
        template.findResources('AWS::ApiGatewayV2::Route', { Properties: { ApiId: { Ref: wsApiId } } }),
      ).map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE']);
      expect(Object.fromEntries(routes)).toEqual({ $connect: 'CUSTOM', $disconnect: 'NONE', $default: 'NONE' });
      // The authorizer reads no data: its role writes its logs and traces, nothing else.
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalIdOf(ws.authorizer.role) }] },
      });
      const actions = Object.values(policies).flatMap((p) =>
        p.Properties.PolicyDocument.Statement.flatMap((st: { Action: string | string[] }) => [st.Action].flat()),
      );
      expect(actions.sort()).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });

    it('routes $connect, $disconnect and $default to the ws function, with no other route', () => {
      const routes = template.findResources('AWS::ApiGatewayV2::Route', { Properties: { ApiId: { Ref: wsApiId } } });
      expect(
        Object.values(routes)
          .map((r) => r.Properties.RouteKey)
          .sort(),
      ).toEqual(['$connect', '$default', '$disconnect']);
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: { ApiId: { Ref: wsApiId } },
      });
      expect(Object.keys(integrations)).toHaveLength(3);
      for (const integration of Object.values(integrations)) {
        expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
        expect(JSON.stringify(integration.Properties.IntegrationUri)).toContain(wsFnId);
      }
    });

    it('has a stage with access logs that never log the query string (it carries the token), and throttling', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        ApiId: { Ref: wsApiId },
        StageName: 'live',
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [logicalIdOf(ws.accessLogs), 'Arn'] },
          Format: Match.stringLikeRegexp('\\$context\\.connectionId'),
        },
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
      const [stage] = Object.values(
        template.findResources('AWS::ApiGatewayV2::Stage', { Properties: { ApiId: { Ref: wsApiId } } }),
      );
      expect(stage?.Properties.AccessLogSettings.Format).not.toMatch(/querystring|token/i);
    });

    it('gives the ws function the verifier settings and its own management endpoint', () => {
      const env = template.toJSON().Resources[wsFnId].Properties.Environment.Variables;
      expect(Object.keys(env).sort()).toEqual(
        [
          'AUTH_PROVIDER',
          'COGNITO_CLIENT_ID',
          'COGNITO_USER_POOL_ID',
          'NODE_OPTIONS',
          'POWERTOOLS_LOG_LEVEL',
          'POWERTOOLS_METRICS_NAMESPACE',
          'POWERTOOLS_SERVICE_NAME',
          'TABLE_NAME',
          'WS_MANAGEMENT_ENDPOINT',
        ].sort(),
      );
      expect(env.AUTH_PROVIDER).toBe('cognito');
      // https://{apiId}.execute-api.{region}.{suffix}/live
      const endpoint = JSON.stringify(env.WS_MANAGEMENT_ENDPOINT);
      expect(endpoint).toContain('https://');
      expect(endpoint).toContain(wsApiId);
      expect(endpoint).toContain('/live');
    });

    it('grants table items and ManageConnections on its own stage only', () => {
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalIdOf(ws.handler.role) }] },
      });
      const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
      const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'execute-api:ManageConnections',
        ]),
      );
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      expect(actions.some((a) => a.startsWith('kinesis:') || a.startsWith('s3:'))).toBe(false);
      const manage = statements.find((s) => [s.Action].flat().includes('execute-api:ManageConnections'));
      const resource = JSON.stringify(manage?.Resource);
      expect(resource).toContain(wsApiId);
      expect(resource).toContain('/live/*/@connections/*');
    });

    it('lets API Gateway invoke the ws function', () => {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [wsFnId, 'Arn'] },
        Principal: 'apigateway.amazonaws.com',
      });
    });

    it('outputs the WebSocket URL', () => {
      template.hasOutput('WebSocketUrl', {});
      expect(JSON.stringify(template.toJSON().Outputs.WebSocketUrl.Value)).toContain('wss://');
    });
  });
});
