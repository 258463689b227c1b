import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { createPushNotifier, MEMBERSHIP_RECHECK_MS } from '../../../functions/adapters/aws/websocket-push.ts';
import { webSocketProtocols } from '../../../shared/contracts/websocket-auth.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';
import { call } from '../../support/api.ts';
import { signInWithPassword } from '../../support/oidc-flow.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

const stack = inject('stack');
const wsUrl = `${stack.url.replace(/^http/, 'ws')}/ws`;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials }),
);
const managementEndpoint = `${stack.url.replace('localhost', '127.0.0.1')}/ws-management`;
const management = new ApiGatewayManagementApiClient({
  endpoint: managementEndpoint,
  region: 'us-east-1',
  credentials,
});
const push = createPushNotifier({
  config: {
    TABLE_NAME: RESOURCE_NAMES.table,
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
    WS_MANAGEMENT_ENDPOINT: managementEndpoint,
  },
  db,
  management,
});
afterAll(() => {
  db.destroy();
  management.destroy();
});

function connect(token: string) {
  return new Promise<{ ws: WebSocket; frames: string[]; closed: Promise<number> }>((resolve, reject) => {
    const ws = new WebSocket(wsUrl, webSocketProtocols(token));
    const frames: string[] = [];
    const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
    ws.on('message', (data) => frames.push(data.toString()));
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('error', reject);
  });
}

describe('membership re-checked on every push', () => {
  it('a removed member stops receiving within seconds: their socket is closed, the others still get pushes', async () => {
    const ownerAccount = await freshAccount(stack, 'recheck-owner');
    const owner = await ownerOfNewWorkspace(
      stack.url,
      stack.apiUrl,
      ownerAccount.email,
      ownerAccount.password,
      'Recheck Co',
    );
    const memberAccount = await freshAccount(stack, 'recheck-member');
    const invited = await call(stack.apiUrl, 'POST', '/members', {
      token: owner.token,
      body: { email: memberAccount.email, role: 'viewer' },
    });
    expect(invited.status, JSON.stringify(invited.json)).toBe(201);
    const memberToken = (await signInWithPassword(stack.url, memberAccount.email, memberAccount.password)).access_token;

    const ownerSocket = await connect(owner.token);
    const memberSocket = await connect(memberToken);
    const tenant = owner.tenantId as TenantId;
    const first = await push.pushToTenant(tenant, { type: 'pong', at: new Date().toISOString() });
    expect(first).toEqual({ sent: 2, stale: 0, failed: 0 });
    await expect.poll(() => memberSocket.frames.length).toBe(1);

    const removed = await call(stack.apiUrl, 'DELETE', `/members/${invited.json.userId}`, { token: owner.token });
    expect(removed.status).toBe(204);
    // The member's token is still valid for up to an hour; only the re-check stops the pushes.
    await new Promise((resolve) => setTimeout(resolve, MEMBERSHIP_RECHECK_MS + 100));
    const second = await push.pushToTenant(tenant, { type: 'pong', at: new Date().toISOString() });
    expect(second).toEqual({ sent: 1, stale: 1, failed: 0 });
    expect(await memberSocket.closed).toBe(1000);
    expect(memberSocket.frames).toHaveLength(1);
    await expect.poll(() => ownerSocket.frames.length).toBe(2);
    // And the removed member cannot come back with the same token.
    await expect(connect(memberToken)).rejects.toThrow(/403/);
    ownerSocket.ws.close();
  });
});
