import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { JwtAccessTokenVerifier } from '../../adapters/auth/jwt-access-token-verifier.ts';
import { createDocumentClient } from '../../adapters/aws/clients.ts';
import { DynamoDbConnectionStore } from '../../adapters/aws/dynamodb-connection-store.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { createManagementApiClient, WebSocketPushNotifier } from '../../adapters/aws/websocket-push.ts';
import { systemClock } from '../../adapters/system.ts';
import { readApiConfig, readPushConfig } from '../../config.ts';
import { observed } from '../../middleware/observability.ts';
import { correlationIdOfHttpEvent } from '../../observability/correlation.ts';
import { logger, tracer } from '../../powertools.ts';
import { createWebSocketApp, type WebSocketEvent } from './app.ts';

// Cold start: configuration, clients and the JWT verifier are built once, outside the handler.
const config = readApiConfig();
const pushConfig = readPushConfig();
const db = tracer.captureAWSv3Client(createDocumentClient(config));
const management = tracer.captureAWSv3Client(createManagementApiClient(pushConfig));
const verifier = await JwtAccessTokenVerifier.create(config.auth);
const connections = new DynamoDbConnectionStore(db, config.TABLE_NAME);

const app = createWebSocketApp(
  {
    verifier,
    workspaces: new DynamoDbWorkspaceRepository(db, config.TABLE_NAME),
    connections,
    clock: systemClock,
    sender: new WebSocketPushNotifier(management, connections, { logger }),
  },
  logger,
);

/** API Gateway WebSocket API entry point for `$connect`, `$disconnect` and `$default`. */
export const handler = middy(
  observed(correlationIdOfHttpEvent, (event: WebSocketEvent, _context: Context) => app.handle(event)),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }));
