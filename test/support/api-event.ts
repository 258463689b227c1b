import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { VerifiedAccessToken } from '../../shared/ports/access-token-verifier.ts';

/** An API Gateway v2 event as the HTTP API (or the local gateway) hands it to the API function. */
export function apiEvent(
  method: string,
  path: string,
  options: { token?: string; body?: string; query?: string; headers?: Record<string, string>; sourceIp?: string } = {},
): APIGatewayProxyEventV2 {
  const query = options.query ?? '';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}),
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    requestContext: {
      accountId: '1',
      apiId: 'api',
      domainName: 'x',
      domainPrefix: 'x',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '127.0.0.1', userAgent: 'test' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body: options.body,
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

export const lambdaContext = { awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

export function verifiedToken(sub: string, tenantId: string | null, groups: string[] = []): VerifiedAccessToken {
  return { sub, email: `${sub}@example.com`, tenantId, groups, clientId: 'web', issuedAt: 0, expiresAt: 0, claims: {} };
}
