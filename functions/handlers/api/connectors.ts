import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { logger } from '../../powertools.ts';
import { createConnectorDeps } from '../connectors/deps.ts';
import { createApiApp } from './app.ts';
import { connectorGroupRoutes } from './groups/connectors.ts';
import { config, db, httpHandler, rateLimits, verifier } from './wiring.ts';

/** The connectors function in AWS: `/connectors*` administration and the signed `POST /ingest/webhooks/{id}`. */
const deps = {
  verifier,
  workspaces: new DynamoDbWorkspaceRepository(db, config.TABLE_NAME),
  connectors: createConnectorDeps(),
  maxBodyBytes: config.MAX_BODY_BYTES,
  ...rateLimits,
};

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = httpHandler(createApiApp(deps, logger, connectorGroupRoutes(deps)), logger);
