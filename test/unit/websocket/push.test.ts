import { GoneException } from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it, vi } from 'vitest';
import { WebSocketPushNotifier } from '../../../functions/adapters/aws/websocket-push.ts';
import type { PushMessage, RunSummary } from '../../../shared/contracts/runs.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import {
  encodePushMessage,
  MAX_PUSH_MESSAGE_BYTES,
  PushMessageInvalidError,
  PushMessageTooLargeError,
  type WebSocketConnection,
  type WebSocketConnectionStore,
} from '../../../shared/ports/push.ts';

const TENANT = 'ws_01jz0000000000000000000000' as TenantId;

function run(brandName = 'Demo'): RunSummary {
  return {
    id: 'run_1',
    brandId: 'b_1',
    brandName,
    trigger: 'manual',
    status: 'running',
    promptSetVersion: 1,
    samplesPerPrompt: 1,
    counts: { planned: 1, succeeded: 0, failed: 0, skipped: 0 },
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    createdBy: 'u',
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    cancelRequested: false,
    version: 1,
  };
}

/** A message whose JSON is exactly `bytes` long (the brand name absorbs the difference). */
function messageOfSize(bytes: number, filler = 'x'): PushMessage {
  const base = JSON.stringify({ type: 'run.progressed', run: run('') }).length;
  const fillerBytes = new TextEncoder().encode(filler).length;
  return { type: 'run.progressed', run: run(filler.repeat(Math.floor((bytes - base) / fillerBytes))) };
}

describe('encodePushMessage', () => {
  it('accepts a message of exactly 32 KB and refuses one byte more', () => {
    expect(encodePushMessage(messageOfSize(MAX_PUSH_MESSAGE_BYTES)).byteLength).toBe(MAX_PUSH_MESSAGE_BYTES);
    const error = (() => {
      try {
        encodePushMessage(messageOfSize(MAX_PUSH_MESSAGE_BYTES + 1));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PushMessageTooLargeError);
    expect(error).toMatchObject({ name: 'PushMessageTooLargeError', bytes: MAX_PUSH_MESSAGE_BYTES + 1, limit: 32768 });
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 'é' is two bytes: 20,000 of them are 40,000 bytes though only 20,000 characters.
    expect(() => encodePushMessage({ type: 'run.progressed', run: run('é'.repeat(20_000)) })).toThrow(
      PushMessageTooLargeError,
    );
  });

  it('refuses a message that does not match the contract', () => {
    expect(() => encodePushMessage({ type: 'run.exploded' } as unknown as PushMessage)).toThrow(
      PushMessageInvalidError,
    );
    expect(() => encodePushMessage({ type: 'pong', at: 'yesterday' })).toThrow(PushMessageInvalidError);
  });
});

class FakeStore implements WebSocketConnectionStore {
  readonly items = new Map<string, WebSocketConnection>();
  add(connectionId: string, tenantId: TenantId = TENANT) {
    this.items.set(connectionId, { connectionId, tenantId, userId: 'u', connectedAt: '', expiresAt: 9e9 });
  }
  async save(c: WebSocketConnection) {
    this.items.set(c.connectionId, c);
  }
  async listForTenant(tenantId: TenantId) {
    return [...this.items.values()].filter((c) => c.tenantId === tenantId);
  }
  delete = vi.fn(async (_tenantId: TenantId, connectionId: string) => {
    this.items.delete(connectionId);
  });
  async deleteById(connectionId: string) {
    const found = this.items.get(connectionId) ?? null;
    this.items.delete(connectionId);
    return found;
  }
}

function fakeManagement(behaviour: (connectionId: string) => 'ok' | 'gone' | 'throttled' | 'gone-by-status') {
  const posted: { connectionId: string; data: string }[] = [];
  const client = {
    send: vi.fn(async (command: { input: { ConnectionId: string; Data: Uint8Array } }) => {
      const { ConnectionId, Data } = command.input;
      const outcome = behaviour(ConnectionId);
      if (outcome === 'gone') throw new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } });
      if (outcome === 'gone-by-status') throw Object.assign(new Error('x'), { $metadata: { httpStatusCode: 410 } });
      if (outcome === 'throttled') {
        throw Object.assign(new Error('slow down'), {
          name: 'LimitExceededException',
          $metadata: { httpStatusCode: 429 },
        });
      }
      posted.push({ connectionId: ConnectionId, data: new TextDecoder().decode(Data) });
      return {};
    }),
  };
  return { client, posted };
}

describe('WebSocketPushNotifier', () => {
  const message: PushMessage = { type: 'run.progressed', run: run() };

  it('posts the serialized message once per connection of the tenant only', async () => {
    const store = new FakeStore();
    store.add('a1');
    store.add('a2');
    store.add('b1', 'ws_01jz1111111111111111111111' as TenantId);
    const { client, posted } = fakeManagement(() => 'ok');
    const push = new WebSocketPushNotifier(client as never, store);
    expect(await push.pushToTenant(TENANT, message)).toEqual({ sent: 2, stale: 0, failed: 0 });
    expect(posted.map((p) => p.connectionId).sort()).toEqual(['a1', 'a2']);
    for (const p of posted) expect(JSON.parse(p.data)).toEqual(message);
  });

  it('forgets connections that answer 410, counts other failures, and never rejects because of them', async () => {
    const store = new FakeStore();
    for (const id of ['ok', 'gone', 'gone2', 'slow']) store.add(id);
    const { client } = fakeManagement((id) =>
      id === 'gone' ? 'gone' : id === 'gone2' ? 'gone-by-status' : id === 'slow' ? 'throttled' : 'ok',
    );
    const logger = { warn: vi.fn() };
    const push = new WebSocketPushNotifier(client as never, store, { logger: logger as never });
    expect(await push.pushToTenant(TENANT, message)).toEqual({ sent: 1, stale: 2, failed: 1 });
    expect([...store.items.keys()].sort()).toEqual(['ok', 'slow']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('run_1');
  });

  it('still counts a stale connection when forgetting it fails', async () => {
    const store = new FakeStore();
    store.add('gone');
    store.delete.mockRejectedValueOnce(new Error('table unavailable'));
    const { client } = fakeManagement(() => 'gone');
    const push = new WebSocketPushNotifier(client as never, store, { logger: { warn: vi.fn() } as never });
    expect(await push.pushToTenant(TENANT, message)).toEqual({ sent: 0, stale: 1, failed: 0 });
  });

  it('refuses an oversized message before looking up or posting anything', async () => {
    const store = new FakeStore();
    store.add('a1');
    const list = vi.spyOn(store, 'listForTenant');
    const { client } = fakeManagement(() => 'ok');
    const push = new WebSocketPushNotifier(client as never, store);
    await expect(push.pushToTenant(TENANT, messageOfSize(40_000))).rejects.toBeInstanceOf(PushMessageTooLargeError);
    expect(list).not.toHaveBeenCalled();
    expect(client.send).not.toHaveBeenCalled();
  });

  it('keeps at most `concurrency` posts in flight', async () => {
    const store = new FakeStore();
    for (let i = 0; i < 20; i++) store.add(`c${i}`);
    let inFlight = 0;
    let peak = 0;
    const client = {
      send: vi.fn(async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return {};
      }),
    };
    const push = new WebSocketPushNotifier(client as never, store, { concurrency: 3 });
    expect(await push.pushToTenant(TENANT, message)).toEqual({ sent: 20, stale: 0, failed: 0 });
    expect(peak).toBe(3);
  });

  it('sends nothing and reports zeros when the tenant has no connection', async () => {
    const { client } = fakeManagement(() => 'ok');
    const push = new WebSocketPushNotifier(client as never, new FakeStore());
    expect(await push.pushToTenant(TENANT, message)).toEqual({ sent: 0, stale: 0, failed: 0 });
  });
});
