import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { toApiGatewayV2Event } from '../../../local/gateway/api-gateway-event.ts';

const req = (headers: Record<string, string | string[]>, method = 'POST') =>
  ({ headers, method, httpVersion: '1.1' }) as unknown as IncomingMessage;

describe('local gateway: API Gateway HTTP API v2 events', () => {
  it('maps headers, cookies, query strings and JWT claims the way API Gateway does', () => {
    const event = toApiGatewayV2Event(
      req({ 'content-type': 'application/json', cookie: 'a=1; b=2', host: 'localhost:4000' }),
      {
        path: '/workspaces',
        rawQueryString: 'x=1&x=2&y=3',
        body: Buffer.from('{"name":"Acme"}'),
        claims: { sub: 'u1', 'cognito:groups': ['owner', 'admin'], exp: 123 },
        scopes: ['openid'],
        routeKey: 'ANY /{proxy+}',
        sourceIp: '127.0.0.1',
      },
    );
    expect(event).toMatchObject({
      version: '2.0',
      rawPath: '/workspaces',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { x: '1,2', y: '3' },
      body: '{"name":"Acme"}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/workspaces' },
        authorizer: {
          jwt: { claims: { sub: 'u1', 'cognito:groups': '[owner admin]', exp: '123' }, scopes: ['openid'] },
        },
      },
    });
    expect(event.headers.cookie).toBeUndefined();
  });

  it('base64-encodes binary bodies', () => {
    const bytes = Buffer.from([0, 255, 10, 13]);
    const event = toApiGatewayV2Event(req({ 'content-type': 'application/octet-stream' }), {
      path: '/x',
      rawQueryString: '',
      body: bytes,
      claims: null,
      scopes: null,
      routeKey: '$default',
      sourceIp: '::1',
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
  });
});
