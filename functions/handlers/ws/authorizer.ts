import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { accessTokenFromProtocols } from '#shared/contracts/websocket-auth.ts';
import { JwtAccessTokenVerifier } from '../../adapters/auth/jwt-access-token-verifier.ts';
import { readApiConfig } from '../../config.ts';
import { logger } from '../../logger.ts';
import { observed } from '../../middleware/observability.ts';
import { pickCorrelationId } from '../../observability/correlation.ts';

// Cold start: the verifier (and its JWKS cache) is built once.
const verifier = await JwtAccessTokenVerifier.create(readApiConfig().auth);

function policy(effect: 'Allow' | 'Deny', principalId: string, resource: string): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
  };
}

/**
 * The WebSocket API's `$connect` authorizer (identity source `route.request.header.Sec-WebSocket-Protocol`: the
 * browser offers its access token as the `bearer.<token>` subprotocol, so it never appears in a URL or access log). A token that is not a valid access token of the SPA client is refused here, before the
 * `$connect` integration runs; that integration still confirms membership (a removed member is refused at once).
 * The token is never logged.
 */
export async function authorizeConnect(
  event: Pick<APIGatewayRequestAuthorizerEvent, 'methodArn' | 'headers'>,
  verify: (token: string) => Promise<{ sub: string }> = (token) => verifier.verify(token),
): Promise<APIGatewayAuthorizerResult> {
  const header = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === 'sec-websocket-protocol');
  const token = accessTokenFromProtocols(header?.[1]);
  if (!token) return policy('Deny', 'anonymous', event.methodArn);
  try {
    const verified = await verify(token);
    return policy('Allow', verified.sub, event.methodArn);
  } catch (error) {
    logger.info('WebSocket connect refused: invalid access token', { reason: (error as Error).name });
    return policy('Deny', 'anonymous', event.methodArn);
  }
}

export const handler = middy(
  observed(
    (event: APIGatewayRequestAuthorizerEvent) => pickCorrelationId(event.requestContext?.requestId),
    (event: APIGatewayRequestAuthorizerEvent) => authorizeConnect(event),
  ),
).use(injectLambdaContext(logger));
