import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context } from 'aws-lambda';
import { WebSocket, WebSocketServer } from 'ws';
import { lambdaContext } from './api-gateway-event.ts';

/** The API Gateway WebSocket event Lambda receives (`$connect`, `$disconnect`, `$default`). */
export interface LocalWebSocketEvent {
  requestContext: {
    routeKey: string;
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    connectionId: string;
    domainName: string;
    stage: string;
    apiId: string;
    requestId: string;
    extendedRequestId: string;
    messageDirection: 'IN';
    requestTime: string;
    requestTimeEpoch: number;
    connectedAt: number;
    identity: { sourceIp: string; userAgent: string };
    messageId?: string;
    disconnectStatusCode?: number;
    disconnectReason?: string;
  };
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
  body?: string;
  isBase64Encoded: boolean;
}

export type WebSocketLambdaHandler = (
  event: LocalWebSocketEvent,
  context: Context,
) => Promise<{ statusCode?: number; body?: string; headers?: Record<string, string> } | undefined>;

export interface LocalWebSocketGatewayOptions {
  /** The production WebSocket function, invoked for every route. */
  handler: WebSocketLambdaHandler;
  /** Stage name in events. @default 'local' */
  stage?: string;
  /** Server-side ping interval; a socket that has not answered the previous ping is terminated. @default 30000 */
  heartbeatMs?: number;
  /** API Gateway closes every connection after 2 hours; so does the local gateway. @default 7200000 */
  maxConnectionMs?: number;
  /** API Gateway's message payload limit (client → server and PostToConnection). @default 131072 */
  maxMessageBytes?: number;
  /** Integration timeout. @default 29000 */
  timeoutMs?: number;
  log?: (line: string) => void;
}

interface LiveConnection {
  ws: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
  alive: boolean;
}

export interface LocalWebSocketGateway {
  /** Handles an HTTP upgrade on the WebSocket path: `$connect` first, handshake only when it answers 2xx. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The API Gateway Management API (`/@connections/{id}`), below whatever prefix the gateway mounts it at. */
  handleManagement(req: IncomingMessage, res: ServerResponse, path: string): void;
  /** Ids of the open connections. */
  connectionIds(): string[];
  /** Closes every socket and waits for their `$disconnect` invocations. */
  close(): Promise<void>;
}

function single(entries: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([key, values]) => [key, values.join(',')]));
}

/**
 * The local stand-in for an API Gateway WebSocket API and its management API: upgrades become `$connect`
 * events for the real handler (refused handshakes carry its status), text frames become `$default` events,
 * closes become `$disconnect`; `POST/GET/DELETE /@connections/{id}` behave like the management API (410 Gone
 * for unknown or closed connections), so the real SDK client posts through it.
 */
export function createLocalWebSocketGateway(options: LocalWebSocketGatewayOptions): LocalWebSocketGateway {
  const stage = options.stage ?? 'local';
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const maxConnectionMs = options.maxConnectionMs ?? 2 * 60 * 60 * 1000;
  const maxMessageBytes = options.maxMessageBytes ?? 128 * 1024;
  const timeoutMs = options.timeoutMs ?? 29_000;
  const log = options.log ?? (() => {});
  // API Gateway answers the handshake with the `Sec-WebSocket-Protocol` header `$connect` returned (if it is one the
  // client offered); without it a browser that offered subprotocols fails the connection. The same here.
  const selectedProtocol = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageBytes,
    handleProtocols: (offered, req) => {
      const chosen = selectedProtocol.get(req);
      return chosen !== undefined && offered.has(chosen) ? chosen : false;
    },
  });
  const connections = new Map<string, LiveConnection>();
  const pending = new Set<Promise<unknown>>();

  const invoke = (event: LocalWebSocketEvent) => {
    let timer: NodeJS.Timeout | undefined;
    const call = Promise.race([
      options.handler(event, lambdaContext('promptpulse-ws', timeoutMs)),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${event.requestContext.routeKey} timed out`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    pending.add(call);
    call.then(
      () => pending.delete(call),
      () => pending.delete(call),
    );
    return call;
  };

  const baseContext = (
    connectionId: string,
    routeKey: string,
    eventType: LocalWebSocketEvent['requestContext']['eventType'],
    connection: { connectedAt: number; sourceIp: string; userAgent: string },
    domainName: string,
  ): LocalWebSocketEvent['requestContext'] => {
    const now = new Date();
    return {
      routeKey,
      eventType,
      connectionId,
      domainName,
      stage,
      apiId: 'local',
      requestId: randomUUID(),
      extendedRequestId: randomUUID(),
      messageDirection: 'IN',
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      connectedAt: connection.connectedAt,
      identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
    };
  };

  const disconnect = (
    connectionId: string,
    meta: { connectedAt: number; sourceIp: string; userAgent: string },
    domainName: string,
    code: number,
    reason: string,
  ) => {
    const event: LocalWebSocketEvent = {
      requestContext: {
        ...baseContext(connectionId, '$disconnect', 'DISCONNECT', meta, domainName),
        disconnectStatusCode: code,
        disconnectReason: reason,
      },
      headers: { Host: domainName },
      isBase64Encoded: false,
    };
    invoke(event).catch((error) => log(`ws $disconnect failed: ${(error as Error)?.stack ?? error}`));
  };

  const register = (
    connectionId: string,
    ws: WebSocket,
    meta: { connectedAt: number; sourceIp: string; userAgent: string },
    domainName: string,
  ) => {
    const live: LiveConnection = { ws, ...meta, lastActiveAt: Date.now(), alive: true };
    connections.set(connectionId, live);
    ws.on('pong', () => {
      live.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      live.lastActiveAt = Date.now();
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const event: LocalWebSocketEvent = {
        requestContext: {
          ...baseContext(connectionId, '$default', 'MESSAGE', meta, domainName),
          messageId: randomBytes(9).toString('base64url'),
        },
        body: isBinary ? buffer.toString('base64') : buffer.toString('utf8'),
        isBase64Encoded: isBinary,
      };
      invoke(event).catch((error) => log(`ws $default failed: ${(error as Error)?.stack ?? error}`));
    });
    ws.on('close', (code, reason) => {
      connections.delete(connectionId);
      disconnect(connectionId, meta, domainName, code, reason.toString('utf8'));
    });
    ws.on('error', (error) => log(`ws ${connectionId}: ${error.message}`));
  };

  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const live of connections.values()) {
      if (now - live.connectedAt >= maxConnectionMs) {
        live.ws.close(1001, 'Going away');
        continue;
      }
      if (!live.alive) {
        live.ws.terminate();
        continue;
      }
      live.alive = false;
      live.ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  const refuseUpgrade = (socket: Duplex, status: number, body = '', headers: Record<string, string> = {}) => {
    if (socket.destroyed) return;
    const lines = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
      ...Object.entries({ 'content-type': 'application/json; charset=utf-8', ...headers }).map(
        ([key, value]) => `${key}: ${value}`,
      ),
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://localhost');
    const connectionId = randomBytes(12).toString('base64url');
    const meta = {
      connectedAt: Date.now(),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: String(req.headers['user-agent'] ?? ''),
    };
    const domainName = String(req.headers.host ?? 'localhost');
    const headers: Record<string, string[]> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] ?? '';
      headers[name] = [...(headers[name] ?? []), req.rawHeaders[i + 1] ?? ''];
    }
    const query: Record<string, string[]> = {};
    for (const [key, value] of url.searchParams) query[key] = [...(query[key] ?? []), value];
    const event: LocalWebSocketEvent = {
      requestContext: baseContext(connectionId, '$connect', 'CONNECT', meta, domainName),
      headers: single(headers),
      multiValueHeaders: headers,
      ...(url.searchParams.size > 0
        ? { queryStringParameters: single(query), multiValueQueryStringParameters: query }
        : {}),
      isBase64Encoded: false,
    };
    invoke(event).then(
      (result) => {
        const status = result?.statusCode ?? 200;
        if (status < 200 || status > 299) {
          return refuseUpgrade(socket, status, result?.body ?? '', result?.headers ?? {});
        }
        if (socket.destroyed) {
          // The client left while `$connect` ran: API Gateway would still report the disconnect.
          return disconnect(connectionId, meta, domainName, 1006, 'Client left during $connect');
        }
        const chosen = Object.entries(result?.headers ?? {}).find(
          ([k]) => k.toLowerCase() === 'sec-websocket-protocol',
        );
        if (chosen) selectedProtocol.set(req, chosen[1]);
        wss.handleUpgrade(req, socket, head, (ws) => register(connectionId, ws, meta, domainName));
      },
      (error) => {
        log(`ws $connect failed: ${(error as Error)?.stack ?? error}`);
        refuseUpgrade(
          socket,
          502,
          JSON.stringify({ error: { code: 'bad_gateway', message: 'The function failed to produce a response' } }),
        );
      },
    );
  };

  const managementError = (res: ServerResponse, status: number, type: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ message }));
  };

  const handleManagement = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const match = path.match(/^\/(?:@|%40)connections\/([^/]+)$/i);
    if (!match?.[1]) return managementError(res, 404, 'NotFoundException', `No management route for ${path}`);
    let connectionId: string;
    try {
      connectionId = decodeURIComponent(match[1]);
    } catch {
      return managementError(res, 400, 'BadRequestException', 'Invalid connection id');
    }
    const live = connections.get(connectionId);
    const open = live && live.ws.readyState === WebSocket.OPEN ? live : undefined;
    const method = (req.method ?? 'GET').toUpperCase();
    const gone = () => managementError(res, 410, 'GoneException', `Connection ${connectionId} is gone`);
    if (method === 'GET') {
      if (!open) return gone();
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          connectedAt: new Date(open.connectedAt).toISOString(),
          lastActiveAt: new Date(open.lastActiveAt).toISOString(),
          identity: { sourceIp: open.sourceIp, userAgent: open.userAgent },
        }),
      );
    }
    if (method === 'DELETE') {
      if (!open) return gone();
      open.ws.close(1000, 'Closed by the server');
      res.writeHead(204);
      return void res.end();
    }
    if (method !== 'POST') return managementError(res, 405, 'MethodNotAllowedException', `${method} is not allowed`);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxMessageBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => {});
    req.on('end', () => {
      if (tooLarge) {
        return managementError(res, 413, 'PayloadTooLargeException', `Payload exceeds ${maxMessageBytes} bytes`);
      }
      if (!open || open.ws.readyState !== WebSocket.OPEN) return gone();
      // API Gateway delivers posted data to the browser as a text frame.
      open.ws.send(Buffer.concat(chunks).toString('utf8'), (error) => {
        if (error) return gone();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
  };

  return {
    handleUpgrade,
    handleManagement,
    connectionIds: () => [...connections.keys()],
    async close() {
      clearInterval(heartbeat);
      for (const live of connections.values()) live.ws.terminate();
      // Each terminate emits `close` → `$disconnect`; give those invocations a moment to finish.
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.race([
        Promise.allSettled([...pending]),
        new Promise((resolve) => setTimeout(resolve, 5000).unref()),
      ]);
      wss.close();
    },
  };
}
