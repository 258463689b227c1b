import type { Logger } from '@aws-lambda-powertools/logger';
import { accessTokenFromProtocols, WEBSOCKET_SUBPROTOCOL } from '#shared/contracts/websocket-auth.ts';
import type { ServerFrame, WebSocketDeps } from '#shared/use-cases/websocket.ts';
import { closeConnection, openConnection, replyToClientFrame } from '#shared/use-cases/websocket.ts';
import { mapError } from '../../middleware/http-errors.ts';

/**
 * The API Gateway WebSocket event as Lambda receives it (the `@types/aws-lambda` WebSocket type omits headers
 * and the connect-time fields, so the parts read here are declared here).
 */
export interface WebSocketEvent {
  requestContext: {
    routeKey: string;
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    connectionId: string;
    domainName?: string;
    stage?: string;
    requestId?: string;
    disconnectStatusCode?: number;
  };
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface WebSocketResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends one frame back to a connection (the management API's PostToConnection); never rejects. */
export interface FrameSender {
  post(connectionId: string, data: Uint8Array): Promise<'sent' | 'gone' | 'failed'>;
}

export interface WebSocketAppDeps extends WebSocketDeps {
  sender: FrameSender;
}

const encoder = new TextEncoder();

function headerOf(event: WebSocketEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/**
 * The WebSocket function: `$connect` authorizes (the access token offered as a `bearer.<token>` subprotocol in
 * `Sec-WebSocket-Protocol`, never the URL; then membership), answers with the selected subprotocol and registers the
 * connection, or refuses with the mapped 401/403 so API Gateway rejects the handshake and nothing is stored;
 * `$disconnect` forgets it; `$default` answers `ping`/`subscribe` through the management API and turns any bad
 * frame into an `error` frame. Nothing here throws to API Gateway.
 */
export function createWebSocketApp(deps: WebSocketAppDeps, logger: Pick<Logger, 'error' | 'warn' | 'debug'>) {
  const reply = async (connectionId: string, frame: ServerFrame) => {
    const outcome = await deps.sender.post(connectionId, encoder.encode(JSON.stringify(frame)));
    if (outcome === 'gone') await deps.connections.deleteById(connectionId).catch(() => null);
  };

  const refuse = (error: unknown, routeKey: string): WebSocketResult => {
    const mapped = mapError(error);
    if (mapped.unexpected) logger.error('WebSocket route failed', { routeKey, error: error as Error });
    else logger.debug('WebSocket request refused', { routeKey, code: mapped.body.error.code });
    return { statusCode: mapped.status, headers: JSON_HEADERS, body: JSON.stringify(mapped.body) };
  };

  return {
    async handle(event: WebSocketEvent): Promise<WebSocketResult> {
      const routeKey = event?.requestContext?.routeKey;
      const connectionId = event?.requestContext?.connectionId;
      if (typeof connectionId !== 'string' || connectionId.length === 0) {
        logger.error('WebSocket event without a connection id', { routeKey });
        return { statusCode: 400 };
      }
      try {
        switch (routeKey) {
          case '$connect':
            // The token is never logged: only its verification result is kept.
            await openConnection(
              deps,
              connectionId,
              accessTokenFromProtocols(headerOf(event, 'sec-websocket-protocol')),
            );
            // The browser fails a handshake that does not select one of the subprotocols it offered.
            return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': WEBSOCKET_SUBPROTOCOL } };
          case '$disconnect':
            await closeConnection(deps, connectionId);
            return { statusCode: 200 };
          default: {
            const frame = replyToClientFrame(event.body ?? undefined, event.isBase64Encoded === true, deps.clock.now());
            if (frame.type === 'error') logger.debug('Bad WebSocket frame', { code: frame.error.code });
            await reply(connectionId, frame);
            return { statusCode: 200 };
          }
        }
      } catch (error) {
        return refuse(error, routeKey);
      }
    },
  };
}
