import { createSfnClient } from '../../adapters/aws/clients.ts';
import { CognitoUserDirectory, createCognitoClient } from '../../adapters/aws/cognito-user-directory.ts';
import { SfnWorkflowStarter } from '../../adapters/aws/sfn-workflow-starter.ts';
import { readDirectoryConfig, readWorkflowConfig } from '../../config.ts';
import { logger, tracer } from '../../powertools.ts';
import { createApiApp } from './app.ts';
import { type CoreRouteDeps, coreRoutes } from './routes.ts';
import { httpHandler, tableStores } from './wiring.ts';

/*
 * The `api` function in AWS: the core routes (workspaces, brands, prompt sets, runs, metrics, members, audit,
 * signals). The HTTP API's catch-all route; the analytics, Action Hub and connector groups have their own functions.
 */
const directoryConfig = readDirectoryConfig();
const workflowConfig = readWorkflowConfig();

const deps: CoreRouteDeps = {
  ...tableStores(),
  workflow: new SfnWorkflowStarter(
    tracer.captureAWSv3Client(createSfnClient(workflowConfig)),
    workflowConfig.STATE_MACHINE_ARN,
  ),
  directory: new CognitoUserDirectory(
    tracer.captureAWSv3Client(createCognitoClient(directoryConfig)),
    directoryConfig.USER_POOL_ID,
  ),
};

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = httpHandler(createApiApp(deps, logger, coreRoutes(deps)), logger);
