import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { tenantClaimsFor } from '#shared/use-cases/token-claims.ts';
import { createDocumentClient } from '../../adapters/aws/clients.ts';
import { DynamoDbWorkspaceRepository } from '../../adapters/aws/dynamodb-workspace-repository.ts';
import { readBaseConfig } from '../../config.ts';
import { logger } from '../../logger.ts';

const config = readBaseConfig();
const workspaces = new DynamoDbWorkspaceRepository(createDocumentClient(config), config.TABLE_NAME);

/**
 * Cognito pre-token-generation trigger (V2): puts the user's workspace id into the access and ID tokens and
 * sets `cognito:groups` to their role there. The local OIDC issuer calls this same function.
 */
export async function addTenantClaims(
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> {
  const attributes = event.request.userAttributes;
  const userId = attributes.sub ?? event.userName;
  const { claims, groups } = await tenantClaimsFor({ workspaces }, { userId, email: attributes.email ?? null });
  event.response.claimsAndScopeOverrideDetails = {
    idTokenGeneration: { claimsToAddOrOverride: claims },
    accessTokenGeneration: { claimsToAddOrOverride: claims },
    groupOverrideDetails: { groupsToOverride: groups },
  };
  return event;
}

export const handler = middy(addTenantClaims).use(injectLambdaContext(logger));
