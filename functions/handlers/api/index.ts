import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { JwtAccessTokenVerifier } from '../../adapters/auth/jwt-access-token-verifier.ts';
import { createDocumentClient, createSfnClient } from '../../adapters/aws/clients.ts';
import { CognitoUserDirectory, createCognitoClient } from '../../adapters/aws/cognito-user-directory.ts';
import { DynamoDbAuditLog } from '../../adapters/aws/dynamodb-audit-log.ts';
import { DynamoDbBrandRepository } from '../../adapters/aws/dynamodb-brand-repository.ts';
import { DynamoDbRollupStore } from '../../adapters/aws/dynamodb-rollup-store.ts';
import { DynamoDbRunRepository } from '../../adapters/aws/dynamodb-run-repository.ts';
import { DynamoDbSignalAlertStore } from '../../adapters/aws/dynamodb-signal-alert-store.ts';
import { DynamoDbSignalStore } from '../../adapters/aws/dynamodb-signal-store.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { SfnWorkflowStarter } from '../../adapters/aws/sfn-workflow-starter.ts';
import { systemClock, ulidGenerator } from '../../adapters/system.ts';
import { lazyWarehouse, readWarehouseConfig, sharedWarehouse } from '../../adapters/warehouse/index.ts';
import { readApiConfig, readDirectoryConfig, readWorkflowConfig } from '../../config.ts';
import { observed, observeHttpResult } from '../../middleware/observability.ts';
import { correlationIdOfHttpEvent } from '../../observability/correlation.ts';
import { createLocalOpsStatusSource } from '../../observability/ops-status.ts';
import { logger, tracer } from '../../powertools.ts';
import { createActionHubServices } from '../actions/deps.ts';
import { createConnectorDeps } from '../connectors/deps.ts';
import { createApiApp } from './app.ts';

// Cold start: configuration, clients and the JWT verifier are built once, outside the handler.
const config = readApiConfig();
const directoryConfig = readDirectoryConfig();
const workflowConfig = readWorkflowConfig();
const db = tracer.captureAWSv3Client(createDocumentClient(config));
const cognito = tracer.captureAWSv3Client(createCognitoClient(directoryConfig));
const verifier = await JwtAccessTokenVerifier.create(config.auth);
const runs = new DynamoDbRunRepository(db, config.TABLE_NAME);

const app = createApiApp(
  {
    verifier,
    workspaces: new DynamoDbWorkspaceRepository(db, config.TABLE_NAME),
    brands: new DynamoDbBrandRepository(db, config.TABLE_NAME),
    auditLog: new DynamoDbAuditLog(db, config.TABLE_NAME),
    runs,
    usage: runs,
    rollups: new DynamoDbRollupStore(db, config.TABLE_NAME),
    signals: new DynamoDbSignalStore(db, config.TABLE_NAME),
    signalAlerts: new DynamoDbSignalAlertStore(db, config.TABLE_NAME),
    // Built on the first analytics request: WAREHOUSE=duckdb (default; the lake files) or snowflake.
    warehouse: lazyWarehouse(() => sharedWarehouse(readWarehouseConfig(), (line) => logger.info(line))),
    workflow: new SfnWorkflowStarter(
      tracer.captureAWSv3Client(createSfnClient(workflowConfig)),
      workflowConfig.STATE_MACHINE_ARN,
    ),
    directory: new CognitoUserDirectory(cognito, directoryConfig.USER_POOL_ID),
    clock: systemClock,
    ids: ulidGenerator,
    maxBodyBytes: config.MAX_BODY_BYTES,
    version: process.env.APP_VERSION ?? 'dev',
    actionHub: createActionHubServices(db, config.TABLE_NAME),
    connectors: createConnectorDeps(),
    // The operations view probes the local emulators; in AWS the CloudWatch dashboard is the view (route answers 503).
    ops: process.env.OPS_STATUS === 'local' ? createLocalOpsStatusSource(process.env) : undefined,
  },
  logger,
);

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = middy(
  observed(correlationIdOfHttpEvent, async (event: APIGatewayProxyEventV2, context: Context) =>
    observeHttpResult(await app.handle(event, context)),
  ),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }));
