import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { keys } from '../../../functions/adapters/aws/table-keys.ts';
import { createPushNotifier } from '../../../functions/adapters/aws/websocket-push.ts';
import { type PushMessage, PushMessageSchema, type RunSummary } from '../../../shared/contracts/runs.ts';
import { webSocketProtocols } from '../../../shared/contracts/websocket-auth.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import { RESOURCE_NAMES, TENANT_CLAIM } from '../../../shared/infra/resources.ts';
import { PushMessageTooLargeError } from '../../../shared/ports/push.ts';
import { signInWithPassword } from '../../support/oidc-flow.ts';
import { DEMO, freshAccount, ownerOfNewWorkspace, tokenFor } from '../../support/sessions.ts';
import { forgeToken } from '../../support/tokens.ts';

const stack = inject('stack');
const wsUrl = `${stack.url.replace(/^http/, 'ws')}/ws`;
const managementEndpoint = `${stack.url.replace('localhost', '127.0.0.1')}/ws-management`;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const demoTenant = stack.demoTenantId as TenantId;

const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials }),
);
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

/** A socket plus every text frame it has received, parsed. */
interface Client {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  next(predicate?: (frame: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

const open: WebSocket[] = [];

/** Connects; resolves once the handshake succeeded, rejects with the HTTP status when it was refused. */
function connect(token: string | null): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = token === null ? new WebSocket(wsUrl) : new WebSocket(wsUrl, webSocketProtocols(token));
    const frames: Record<string, unknown>[] = [];
    const waiters: {
      predicate: (f: Record<string, unknown>) => boolean;
      resolve: (f: Record<string, unknown>) => void;
    }[] = [];
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      frames.push(frame);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(frame)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(frame);
        }
      }
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () =>
        reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode, body })),
      );
    });
    ws.once('error', (error) => reject(error));
    ws.once('open', () => {
      open.push(ws);
      resolve({
        ws,
        frames,
        next: (predicate = () => true, timeoutMs = 5000) =>
          new Promise((resolveFrame, rejectFrame) => {
            const seen = frames.find(predicate);
            if (seen) {
              frames.splice(frames.indexOf(seen), 1);
              return resolveFrame(seen);
            }
            const timer = setTimeout(() => rejectFrame(new Error('no matching frame in time')), timeoutMs);
            waiters.push({
              predicate,
              resolve: (frame) => {
                clearTimeout(timer);
                frames.splice(frames.indexOf(frame), 1);
                resolveFrame(frame);
              },
            });
          }),
      });
    });
  });
}

async function refusal(token: string | null): Promise<{ status: number; body: string }> {
  try {
    const client = await connect(token);
    client.ws.close();
    throw new Error('the connection was accepted');
  } catch (error) {
    const { status, body } = error as { status?: number; body?: string };
    if (status === undefined) throw error;
    return { status, body: body ?? '' };
  }
}

async function connectionItems(tenantId: string) {
  const { Items } = await db.send(
    new QueryCommand({
      TableName: RESOURCE_NAMES.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.wsConnectionPartition(tenantId as TenantId) },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

/** Waits until a condition on the store holds (the `$disconnect` invocation runs after the close). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function closed(ws: WebSocket): Promise<number> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

function runSummary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'run_01',
    brandId: 'brand_01',
    brandName: 'Demo',
    trigger: 'manual',
    status: 'running',
    promptSetVersion: 1,
    samplesPerPrompt: 2,
    counts: { planned: 10, succeeded: 3, failed: 0, skipped: 0 },
    usage: { inputTokens: 100, outputTokens: 200, costUsd: 0.01 },
    createdBy: 'someone',
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:01.000Z',
    finishedAt: null,
    cancelRequested: false,
    version: 3,
    ...overrides,
  };
}

let ownerToken = '';
let viewerToken = '';
let other: { token: string; tenantId: string };

beforeAll(async () => {
  ownerToken = await tokenFor(stack.url, ...DEMO.owner);
  viewerToken = await tokenFor(stack.url, ...DEMO.viewer);
  const account = await freshAccount(stack, 'ws-other');
  other = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'WS Other Co');
});

afterAll(async () => {
  for (const ws of open) ws.terminate();
  management.destroy();
});

describe('WebSocket $connect', () => {
  it('accepts a member with a valid token and registers the connection under the tenant', async () => {
    const before = await connectionItems(demoTenant);
    const client = await connect(ownerToken);
    const items = await eventually(
      () => connectionItems(demoTenant),
      (found) => found.length === before.length + 1,
    );
    const added = items.find((item) => !before.some((b) => b.sk === item.sk));
    expect(added).toMatchObject({
      pk: `${demoTenant}#WSCONN`,
      tenantId: demoTenant,
      gsi1pk: expect.stringMatching(/^WSCONN#/),
      sk: expect.stringMatching(/^CONN#/),
    });
    const ttl = Number(added?.expiresAt) - Math.floor(Date.now() / 1000);
    expect(ttl).toBeGreaterThan(2 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(2 * 3600);
    client.ws.close();
    await eventually(
      () => connectionItems(demoTenant),
      (found) => found.length === before.length,
    );
  });

  const refusals: [string, number, () => Promise<string | null>][] = [
    ['no token', 401, async () => null],
    ['a malformed token', 401, async () => 'not-a-jwt'],
    [
      'a token for another audience',
      401,
      async () =>
        forgeToken({
          signingKey: stack.signingKey as JWK,
          issuer: stack.issuerUrl,
          audience: 'some-other-client',
          sub: 'someone',
          claims: { [TENANT_CLAIM]: stack.demoTenantId, 'cognito:groups': ['owner'] },
        }),
    ],
    [
      'a user without a workspace',
      403,
      async () => {
        const account = await freshAccount(stack, 'ws-nobody');
        return (await signInWithPassword(stack.url, account.email, account.password)).access_token;
      },
    ],
  ];
  it.each(refusals)('refuses %s with %i and stores nothing', async (_name, status, token) => {
    const before = (await connectionItems(demoTenant)).length;
    const refused = await refusal(await token());
    expect(refused.status).toBe(status);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: expect.any(String) } });
    expect((await connectionItems(demoTenant)).length).toBe(before);
  });

  it('refuses a token whose tenant claim names a workspace the user is not a member of (403)', async () => {
    const sub = JSON.parse(Buffer.from(other.token.split('.')[1] ?? '', 'base64url').toString()).sub as string;
    const forged = await forgeToken({
      signingKey: stack.signingKey as JWK,
      issuer: stack.issuerUrl,
      audience: stack.clientId,
      sub,
      claims: { [TENANT_CLAIM]: stack.demoTenantId, 'cognito:groups': ['owner'] },
    });
    expect((await refusal(forged)).status).toBe(403);
  });

  it('refuses upgrades on any other path', async () => {
    const ws = new WebSocket(`${stack.url.replace(/^http/, 'ws')}/api/ws`, webSocketProtocols(ownerToken));
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.once('error', () => resolve(undefined));
    });
    expect(status).toBe(404);
  });
});

describe('WebSocket frames', () => {
  it('answers ping with a pong that matches the push contract', async () => {
    const client = await connect(viewerToken);
    client.ws.send(JSON.stringify({ action: 'ping' }));
    const frame = await client.next((f) => f.type === 'pong');
    expect(PushMessageSchema.parse(frame)).toMatchObject({ type: 'pong', at: expect.any(String) });
    client.ws.close();
  });

  it('confirms subscribe (tenant-wide)', async () => {
    const client = await connect(viewerToken);
    client.ws.send(JSON.stringify({ action: 'subscribe' }));
    expect(await client.next()).toEqual({ type: 'subscribed', topic: 'runs', scope: 'tenant' });
    client.ws.close();
  });

  it('answers bad frames with an error frame and keeps the connection', async () => {
    const client = await connect(viewerToken);
    const cases: [string | Buffer, string][] = [
      ['not json', 'invalid_json'],
      [JSON.stringify({ action: 'launch' }), 'invalid_frame'],
      [JSON.stringify({ action: 'ping', extra: 1 }), 'invalid_frame'],
      [JSON.stringify([1, 2]), 'invalid_frame'],
      ['x'.repeat(10_000), 'frame_too_large'],
      [Buffer.from([1, 2, 3]), 'unsupported_frame'],
    ];
    for (const [data, code] of cases) {
      client.ws.send(data);
      const frame = await client.next((f) => f.type === 'error');
      expect(frame).toMatchObject({ type: 'error', error: { code } });
    }
    client.ws.send(JSON.stringify({ action: 'ping' }));
    expect(await client.next((f) => f.type === 'pong')).toMatchObject({ type: 'pong' });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });
});

describe('pushToTenant through the management API', () => {
  it("reaches every socket of the tenant and none of another tenant's", async () => {
    const a1 = await connect(ownerToken);
    const a2 = await connect(viewerToken);
    const b = await connect(other.token);
    const message: PushMessage = { type: 'run.progressed', run: runSummary() };

    const result = await push.pushToTenant(demoTenant, message);
    expect(result.sent).toBeGreaterThanOrEqual(2);
    expect(result.failed).toBe(0);
    expect(await a1.next((f) => f.type === 'run.progressed')).toEqual(message);
    expect(await a2.next((f) => f.type === 'run.progressed')).toEqual(message);

    const toB: PushMessage = { type: 'run.completed', run: runSummary({ id: 'run_b', status: 'succeeded' }) };
    expect(await push.pushToTenant(other.tenantId as TenantId, toB)).toEqual({ sent: 1, stale: 0, failed: 0 });
    expect(await b.next((f) => f.type === 'run.completed')).toEqual(toB);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.frames.filter((f) => f.type === 'run.progressed')).toEqual([]);
    expect(a1.frames.filter((f) => f.type === 'run.completed')).toEqual([]);
    expect(a2.frames.filter((f) => f.type === 'run.completed')).toEqual([]);
    for (const client of [a1, a2, b]) client.ws.close();
  });

  it('forgets a closed connection on 410 and counts it as stale', async () => {
    const client = await connect(other.token);
    const [item] = await eventually(
      () => connectionItems(other.tenantId),
      (found) => found.length === 1,
    );
    expect(item).toBeDefined();
    const connectionId = String(item?.connectionId);
    client.ws.close();
    await closed(client.ws);
    await eventually(
      () => connectionItems(other.tenantId),
      (found) => found.length === 0,
    );
    await expect(
      management.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode('{}') }),
      ),
    ).rejects.toBeInstanceOf(GoneException);

    // A `$disconnect` that never ran (a crashed function, a lost event) leaves the record behind.
    await db.send(new PutCommand({ TableName: RESOURCE_NAMES.table, Item: { ...item } }));
    const result = await push.pushToTenant(other.tenantId as TenantId, { type: 'pong', at: new Date().toISOString() });
    expect(result).toEqual({ sent: 0, stale: 1, failed: 0 });
    expect(await connectionItems(other.tenantId)).toEqual([]);
  });

  it('$disconnect removes the connection record', async () => {
    const client = await connect(other.token);
    await eventually(
      () => connectionItems(other.tenantId),
      (found) => found.length === 1,
    );
    client.ws.terminate();
    const after = await eventually(
      () => connectionItems(other.tenantId),
      (found) => found.length === 0,
    );
    expect(after).toEqual([]);
  });

  it('refuses a message over 32 KB before sending anything', async () => {
    const client = await connect(other.token);
    const huge: PushMessage = { type: 'run.progressed', run: runSummary({ brandName: 'x'.repeat(33 * 1024) }) };
    await expect(push.pushToTenant(other.tenantId as TenantId, huge)).rejects.toBeInstanceOf(PushMessageTooLargeError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.frames).toEqual([]);
    client.ws.close();
  });

  it('emulates GetConnection and DeleteConnection for the SDK', async () => {
    const client = await connect(other.token);
    const [item] = await eventually(
      () => connectionItems(other.tenantId),
      (found) => found.length === 1,
    );
    const connectionId = String(item?.connectionId);
    const info = await management.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBeTruthy();
    const closing = closed(client.ws);
    await management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    await closing;
    await expect(management.send(new GetConnectionCommand({ ConnectionId: connectionId }))).rejects.toBeInstanceOf(
      GoneException,
    );
    await eventually(
      () => connectionItems(other.tenantId),
      (found) => found.length === 0,
    );
  });
});
