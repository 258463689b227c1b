import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  createLocalWebSocketGateway,
  type LocalWebSocketEvent,
  type LocalWebSocketGateway,
} from '../../../local/gateway/websocket-gateway.ts';

let server: Server | undefined;
let gateway: LocalWebSocketGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  gateway = undefined;
});

async function start(
  handler: (
    event: LocalWebSocketEvent,
  ) => Promise<{ statusCode: number; body?: string; headers?: Record<string, string> }>,
  options: { heartbeatMs?: number; maxConnectionMs?: number } = {},
) {
  gateway = createLocalWebSocketGateway({ handler: (event) => handler(event), ...options });
  const gw = gateway;
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/ws-management/')) return gw.handleManagement(req, res, path.slice('/ws-management'.length));
    res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => gw.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { ws: `ws://127.0.0.1:${port}/ws`, http: `http://127.0.0.1:${port}` };
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

describe('local WebSocket gateway', () => {
  it('builds $connect with the query string and API Gateway request context', async () => {
    const events: LocalWebSocketEvent[] = [];
    const { ws: url } = await start(async (event) => {
      events.push(event);
      return { statusCode: 200 };
    });
    const ws = new WebSocket(`${url}?token=abc&x=1`, { headers: { 'user-agent': 'unit' } });
    await opened(ws);
    const [connect] = events;
    expect(connect).toMatchObject({
      queryStringParameters: { token: 'abc', x: '1' },
      isBase64Encoded: false,
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        stage: 'local',
        messageDirection: 'IN',
        connectionId: expect.any(String),
        domainName: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        identity: { userAgent: 'unit' },
      },
    });
    ws.send('{"action":"ping"}');
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events[1]).toMatchObject({
      body: '{"action":"ping"}',
      requestContext: {
        routeKey: '$default',
        eventType: 'MESSAGE',
        connectionId: connect?.requestContext.connectionId,
      },
    });
    ws.close(1000);
    await vi.waitFor(() => expect(events).toHaveLength(3));
    expect(events[2]).toMatchObject({
      requestContext: { routeKey: '$disconnect', eventType: 'DISCONNECT', disconnectStatusCode: 1000 },
    });
  });

  it('rejects the handshake with the status $connect returns', async () => {
    const { ws: url } = await start(async () => ({ statusCode: 403, body: '{"error":{"code":"not_a_member"}}' }));
    const ws = new WebSocket(url);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    });
    expect(status).toBe(403);
    expect(gateway?.connectionIds()).toEqual([]);
  });

  it('answers 502 when $connect throws', async () => {
    const { ws: url } = await start(async () => {
      throw new Error('cold start failed');
    });
    const ws = new WebSocket(url);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    });
    expect(status).toBe(502);
  });

  it('terminates a socket that stops answering pings, and reports the disconnect', async () => {
    const events: LocalWebSocketEvent[] = [];
    const { ws: url } = await start(
      async (event) => {
        events.push(event);
        return { statusCode: 200 };
      },
      { heartbeatMs: 40 },
    );
    const dead = new WebSocket(url, { autoPong: false });
    const alive = new WebSocket(url);
    await Promise.all([opened(dead), opened(alive)]);
    const closedCode = await new Promise<number>((resolve) => dead.once('close', (code) => resolve(code)));
    expect(closedCode).toBe(1006);
    await vi.waitFor(() => expect(events.filter((e) => e.requestContext.routeKey === '$disconnect')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(alive.readyState).toBe(WebSocket.OPEN);
    expect(gateway?.connectionIds()).toHaveLength(1);
    alive.close();
  });

  it('closes connections older than the maximum duration, like API Gateway after 2 hours', async () => {
    const { ws: url } = await start(async () => ({ statusCode: 200 }), { heartbeatMs: 20, maxConnectionMs: 60 });
    const ws = new WebSocket(url);
    await opened(ws);
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(1001);
  });

  it('emulates the management API: post delivers a text frame, 410 for unknown ids, 413 over 128 KB', async () => {
    let connectionId = '';
    const { ws: url, http } = await start(async (event) => {
      connectionId = event.requestContext.connectionId;
      return { statusCode: 200 };
    });
    const ws = new WebSocket(url);
    await opened(ws);
    const received = new Promise<{ data: string; binary: boolean }>((resolve) =>
      ws.once('message', (data, binary) => resolve({ data: data.toString(), binary })),
    );
    const post = await fetch(`${http}/ws-management/@connections/${encodeURIComponent(connectionId)}`, {
      method: 'POST',
      body: '{"type":"pong","at":"2025-01-01T00:00:00.000Z"}',
    });
    expect(post.status).toBe(200);
    expect(await received).toEqual({ data: '{"type":"pong","at":"2025-01-01T00:00:00.000Z"}', binary: false });

    const unknown = await fetch(`${http}/ws-management/@connections/nope`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(410);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('GoneException');

    const tooLarge = await fetch(`${http}/ws-management/@connections/${connectionId}`, {
      method: 'POST',
      body: 'x'.repeat(128 * 1024 + 1),
    });
    expect(tooLarge.status).toBe(413);
    ws.close();
  });

  it('completes a handshake with subprotocols only when $connect selects one of them (as API Gateway and browsers do)', async () => {
    const { ws: url } = await start(async (event) =>
      event.headers?.['Sec-WebSocket-Protocol']?.includes('bearer.ok')
        ? { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'promptpulse.v1' } }
        : { statusCode: 200 },
    );
    const selected = new WebSocket(url, ['promptpulse.v1', 'bearer.ok']);
    await opened(selected);
    expect(selected.protocol).toBe('promptpulse.v1');
    selected.close();
    // $connect answered 200 without selecting a subprotocol: the client fails the handshake.
    const unselected = new WebSocket(url, ['promptpulse.v1', 'bearer.other']);
    await expect(opened(unselected)).rejects.toThrow(/subprotocol/i);
  });
});
