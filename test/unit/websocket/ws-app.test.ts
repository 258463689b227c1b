import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebSocketApp, type WebSocketEvent } from '../../../functions/handlers/ws/app.ts';
import { webSocketProtocols } from '../../../shared/contracts/websocket-auth.ts';
import { UnauthenticatedError } from '../../../shared/domain/errors.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import type { VerifiedAccessToken } from '../../../shared/ports/access-token-verifier.ts';
import type { WebSocketConnection, WebSocketConnectionStore } from '../../../shared/ports/push.ts';
import { replyToClientFrame } from '../../../shared/use-cases/websocket.ts';
import { InMemoryWorkspaces } from '../../support/in-memory-workspaces.ts';

const TENANT = 'ws_01jz0000000000000000000000' as TenantId;
const NOW = new Date('2025-06-01T12:00:00.000Z');

function token(sub: string, tenantId: string | null): VerifiedAccessToken {
  return { sub, email: null, tenantId, groups: [], clientId: 'web', issuedAt: 0, expiresAt: 0, claims: {} };
}

function event(
  routeKey: string,
  options: { token?: string; body?: string; binary?: boolean; connectionId?: string } = {},
): WebSocketEvent {
  return {
    requestContext: {
      routeKey,
      eventType: routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
      connectionId: options.connectionId ?? 'conn-1',
    },
    ...(options.token !== undefined
      ? { headers: { 'Sec-WebSocket-Protocol': webSocketProtocols(options.token).join(', ') } }
      : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.binary === true,
  };
}

class Store implements WebSocketConnectionStore {
  readonly items = new Map<string, WebSocketConnection>();
  save = vi.fn(async (c: WebSocketConnection) => {
    this.items.set(c.connectionId, c);
  });
  async listForTenant() {
    return [...this.items.values()];
  }
  async delete(_t: TenantId, id: string) {
    this.items.delete(id);
  }
  deleteById = vi.fn(async (id: string) => {
    const found = this.items.get(id) ?? null;
    this.items.delete(id);
    return found;
  });
}

const logger = { error: vi.fn(), warn: vi.fn(), debug: vi.fn() };
let store: Store;
let sent: { connectionId: string; frame: Record<string, unknown> }[];
let senderOutcome: 'sent' | 'gone' | 'failed';
let app: ReturnType<typeof createWebSocketApp>;

beforeEach(async () => {
  const workspaces = new InMemoryWorkspaces();
  await workspaces.createWorkspaceWithOwner(
    { id: TENANT, name: 'Demo', createdAt: '', createdBy: 'owner', plan: 'trial' },
    { tenantId: TENANT, userId: 'owner', email: '', role: 'owner', joinedAt: '' },
  );
  const tokens: Record<string, VerifiedAccessToken> = {
    good: token('owner', TENANT),
    'no-tenant': token('newcomer', null),
    stranger: token('stranger', TENANT),
  };
  store = new Store();
  sent = [];
  senderOutcome = 'sent';
  logger.error.mockClear();
  app = createWebSocketApp(
    {
      verifier: {
        verify: async (t) => {
          const found = tokens[t];
          if (!found) throw new UnauthenticatedError('Invalid or expired access token');
          return found;
        },
      },
      workspaces,
      connections: store,
      clock: { now: () => NOW },
      sender: {
        post: async (connectionId, data) => {
          sent.push({ connectionId, frame: JSON.parse(new TextDecoder().decode(data)) });
          return senderOutcome;
        },
      },
    },
    logger,
  );
});

describe('$connect', () => {
  it('stores the connection under the verified tenant with a 2-hour TTL', async () => {
    // The token came as a subprotocol; the handshake selects ours (a browser fails the connection otherwise).
    expect(await app.handle(event('$connect', { token: 'good' }))).toEqual({
      statusCode: 200,
      headers: { 'Sec-WebSocket-Protocol': 'promptpulse.v1' },
    });
    expect(store.items.get('conn-1')).toEqual({
      connectionId: 'conn-1',
      tenantId: TENANT,
      userId: 'owner',
      connectedAt: NOW.toISOString(),
      expiresAt: NOW.getTime() / 1000 + 7200,
    });
  });

  it.each([
    ['no token', {}, 401, 'unauthenticated'],
    ['an empty token', { token: '' }, 401, 'unauthenticated'],
    ['an invalid token', { token: 'forged' }, 401, 'unauthenticated'],
    ['a token without a workspace', { token: 'no-tenant' }, 403, 'workspace_required'],
    ['a token of a non-member', { token: 'stranger' }, 403, 'not_a_member'],
  ])('refuses %s and stores nothing', async (_name, options, status, code) => {
    const result = await app.handle(event('$connect', options));
    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({ error: { code } });
    expect(store.save).not.toHaveBeenCalled();
  });

  it('answers 500 without throwing when the store fails, and logs it', async () => {
    store.save.mockRejectedValueOnce(new Error('boom'));
    const result = await app.handle(event('$connect', { token: 'good' }));
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('boom');
    expect(logger.error).toHaveBeenCalled();
  });
});

describe('$disconnect', () => {
  it('forgets the connection, and is idempotent', async () => {
    await app.handle(event('$connect', { token: 'good' }));
    expect(await app.handle(event('$disconnect'))).toEqual({ statusCode: 200 });
    expect(store.items.size).toBe(0);
    expect(await app.handle(event('$disconnect'))).toEqual({ statusCode: 200 });
  });
});

describe('$default', () => {
  it('answers ping with pong through the management API', async () => {
    expect(await app.handle(event('$default', { body: '{"action":"ping"}' }))).toEqual({ statusCode: 200 });
    expect(sent).toEqual([{ connectionId: 'conn-1', frame: { type: 'pong', at: NOW.toISOString() } }]);
  });

  it('confirms subscribe', async () => {
    await app.handle(event('$default', { body: '{"action":"subscribe","topic":"runs"}' }));
    expect(sent[0]?.frame).toEqual({ type: 'subscribed', topic: 'runs', scope: 'tenant' });
  });

  it.each([
    ['no body', {}, 'invalid_frame'],
    ['not JSON', { body: '{nope' }, 'invalid_json'],
    ['JSON null', { body: 'null' }, 'invalid_frame'],
    ['an unknown action', { body: '{"action":"delete-everything"}' }, 'invalid_frame'],
    ['extra fields', { body: '{"action":"ping","tenantId":"ws_x"}' }, 'invalid_frame'],
    ['a binary frame', { body: 'AAEC', binary: true }, 'unsupported_frame'],
    ['a huge frame', { body: `{"action":"ping","x":"${'y'.repeat(5000)}"}` }, 'frame_too_large'],
  ])('answers %s with an error frame, never a crash', async (_name, options, code) => {
    expect(await app.handle(event('$default', options))).toEqual({ statusCode: 200 });
    expect(sent[0]?.frame).toMatchObject({ type: 'error', error: { code, message: expect.any(String) } });
  });

  it('forgets the connection when the reply finds it gone', async () => {
    await app.handle(event('$connect', { token: 'good' }));
    senderOutcome = 'gone';
    expect(await app.handle(event('$default', { body: '{"action":"ping"}' }))).toEqual({ statusCode: 200 });
    expect(store.deleteById).toHaveBeenCalledWith('conn-1');
  });

  it('answers 400 to an event without a connection id', async () => {
    expect(await app.handle(event('$default', { connectionId: '' }))).toEqual({ statusCode: 400 });
    expect(await app.handle({} as WebSocketEvent)).toEqual({ statusCode: 400 });
  });
});

describe('replyToClientFrame', () => {
  it('never throws, whatever the body', () => {
    for (const body of ['', '[]', '1', '"ping"', '{"action":1}', '\u0000', '{"__proto__":{"action":"ping"}}']) {
      expect(() => replyToClientFrame(body, false, NOW)).not.toThrow();
    }
  });
});
