import { beforeAll, describe, expect, it } from 'vitest';
import { webSocketProtocols } from '../../../shared/contracts/websocket-auth.ts';

const protocols = (token: string) => ({ 'Sec-WebSocket-Protocol': webSocketProtocols(token).join(', ') });

type Authorize = typeof import('../../../functions/handlers/ws/authorizer.ts').authorizeConnect;
let authorizeConnect: Authorize;

beforeAll(async () => {
  // The module builds its verifier at import (cold start), from the environment the CDK gives the function.
  Object.assign(process.env, {
    TABLE_NAME: 'unit-table',
    AUTH_PROVIDER: 'cognito',
    COGNITO_USER_POOL_ID: 'us-east-1_AbCdEfGhI',
    COGNITO_CLIENT_ID: '1example23456789012345678',
  });
  ({ authorizeConnect } = await import('../../../functions/handlers/ws/authorizer.ts'));
});

const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abc123/live/$connect';
const effectOf = (result: Awaited<ReturnType<Authorize>>) =>
  (result.policyDocument.Statement[0] as { Effect: string }).Effect;

describe('WebSocket $connect token authorizer', () => {
  it('allows a verified access token, as its subject, on exactly the connect route', async () => {
    const result = await authorizeConnect({ methodArn, headers: protocols('good') }, async (token) => {
      expect(token).toBe('good');
      return { sub: 'user-1' };
    });
    expect(result.principalId).toBe('user-1');
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn },
    ]);
  });

  it('denies a missing token without verifying anything, and a token the verifier refuses', async () => {
    let calls = 0;
    const refuse = async () => {
      calls++;
      throw Object.assign(new Error('Token expired'), { name: 'JwtExpiredError' });
    };
    expect(effectOf(await authorizeConnect({ methodArn, headers: {} }, refuse))).toBe('Deny');
    expect(calls).toBe(0);
    expect(effectOf(await authorizeConnect({ methodArn, headers: protocols('x') }, refuse))).toBe('Deny');
    expect(calls).toBe(1);
  });

  it('denies a forged token with the real Cognito verifier (no network needed to refuse a malformed JWT)', async () => {
    const result = await authorizeConnect({ methodArn, headers: protocols('not.a.jwt') });
    expect(effectOf(result)).toBe('Deny');
  });
});
