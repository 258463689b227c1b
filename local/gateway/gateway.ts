import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import sirv from 'sirv';
import type { ClientConfig } from '#shared/contracts/client-config.ts';
import type { AccessTokenVerifier } from '#shared/ports/access-token-verifier.ts';
import type { LocalIssuer } from '../oidc/issuer.ts';
import { lambdaContext, toApiGatewayV2Event } from './api-gateway-event.ts';
import type { LocalWebSocketGateway } from './websocket-gateway.ts';

export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface GatewayOptions {
  apiHandler: HttpApiHandler;
  /** Verifies bearer tokens like the HTTP API's JWT authorizer does before the function is invoked. */
  authorizer: AccessTokenVerifier;
  /** Routes the CDK app leaves without the JWT authorizer, as `METHOD /path`. */
  publicRoutes: ReadonlySet<string>;
  issuer: LocalIssuer;
  /** The Cognito Identity Provider admin API emulator (JSON 1.1), mounted at `/cognito-idp`. */
  cognitoIdp?: (req: IncomingMessage, res: ServerResponse) => void;
  /** The KMS emulator (JSON 1.1), mounted at `/kms`. */
  kms?: (req: IncomingMessage, res: ServerResponse) => void;
  /** The Step Functions API emulator (JSON 1.0), mounted at `/stepfunctions`. */
  stepFunctions?: (req: IncomingMessage, res: ServerResponse) => void;
  clientConfig: ClientConfig;
  /** Built SPA (`web/dist`); a hint page is served when it is missing. */
  webDist: string;
  /** The WebSocket API: upgrades on `/ws`, its management API under `/ws-management`. @default none */
  websocket?: LocalWebSocketGateway;
  /** API Gateway's payload limit. @default 10 MiB */
  maxPayloadBytes?: number;
  /** API Gateway's integration timeout. @default 29000 */
  timeoutMs?: number;
  log?: (line: string) => void;
}

const API_PREFIX = '/api';
const OIDC_PREFIX = '/oidc';
const COGNITO_PREFIX = '/cognito-idp';
const SFN_PREFIX = '/stepfunctions';
const KMS_PREFIX = '/kms';
export const WEBSOCKET_PATH = '/ws';
export const WEBSOCKET_MANAGEMENT_PREFIX = '/ws-management';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function gatewayError(res: ServerResponse, status: number, code: string, message: string) {
  sendJson(res, status, { error: { code, message } }, status === 401 ? { 'www-authenticate': 'Bearer' } : {});
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function writeLambdaResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2) {
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(result.headers ?? {})) headers[key.toLowerCase()] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

/**
 * The local stand-in for API Gateway: `/api/*` becomes HTTP API v2 events for the real Lambda handler (after
 * the same JWT-authorizer check AWS performs), `/oidc/*` is the local identity provider, `/config.json` tells
 * the SPA where everything is, and everything else is the built SPA with history fallback. One origin, so the
 * browser needs no CORS.
 */
export function createGateway(options: GatewayOptions): Server {
  const limit = options.maxPayloadBytes ?? 10 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 29_000;
  const log = options.log ?? (() => {});
  const hasWeb = existsSync(`${options.webDist}/index.html`);
  // dev mode re-reads the directory per request, so a rebuilt SPA is served without restarting the stack.
  const serveWeb = hasWeb ? sirv(options.webDist, { single: true, dev: true, etag: true }) : null;

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const path = url.pathname.slice(API_PREFIX.length) || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req, limit);
    if (body === null) return gatewayError(res, 413, 'payload_too_large', 'Request body exceeds the gateway limit');
    const isPublic = options.publicRoutes.has(`${method} ${path}`);
    let claims: Record<string, unknown> | null = null;
    if (!isPublic) {
      const match = req.headers.authorization?.match(/^Bearer\s+(\S+)\s*$/);
      if (!match?.[1]) return gatewayError(res, 401, 'unauthenticated', 'A bearer access token is required');
      try {
        claims = (await options.authorizer.verify(match[1])).claims;
      } catch {
        return gatewayError(res, 401, 'unauthenticated', 'Invalid or expired access token');
      }
    }
    const event = toApiGatewayV2Event(req, {
      path,
      rawQueryString: url.search.replace(/^\?/, ''),
      body,
      claims,
      scopes: claims && typeof claims.scope === 'string' ? claims.scope.split(' ') : null,
      routeKey: isPublic ? `${method} ${path}` : 'ANY /{proxy+}',
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const result = await Promise.race([
        options.apiHandler(event, lambdaContext('promptpulse-api', timeoutMs)),
        timeout,
      ]);
      if (result === 'timeout') return gatewayError(res, 504, 'gateway_timeout', 'The API did not answer in time');
      writeLambdaResult(res, result);
    } finally {
      clearTimeout(timer);
    }
  };

  const server = createServer((req, res) => {
    const started = Date.now();
    res.on('finish', () => log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`));
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const fail = (error: unknown) => {
      log(`gateway error: ${(error as Error)?.stack ?? error}`);
      if (!res.headersSent) gatewayError(res, 502, 'bad_gateway', 'The function failed to produce a response');
      else res.destroy();
    };
    try {
      if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return void handleApi(req, res, url).catch(fail);
      if (path === OIDC_PREFIX || path.startsWith(`${OIDC_PREFIX}/`)) return options.issuer.handle(req, res);
      if (options.cognitoIdp && (path === COGNITO_PREFIX || path.startsWith(`${COGNITO_PREFIX}/`))) {
        return options.cognitoIdp(req, res);
      }
      if (options.kms && (path === KMS_PREFIX || path.startsWith(`${KMS_PREFIX}/`))) return options.kms(req, res);
      if (options.stepFunctions && (path === SFN_PREFIX || path.startsWith(`${SFN_PREFIX}/`))) {
        return options.stepFunctions(req, res);
      }
      if (options.websocket && path.startsWith(`${WEBSOCKET_MANAGEMENT_PREFIX}/`)) {
        return options.websocket.handleManagement(req, res, path.slice(WEBSOCKET_MANAGEMENT_PREFIX.length));
      }
      if (path === '/config.json') return sendJson(res, 200, options.clientConfig, { 'cache-control': 'no-store' });
      // Browsers ask for /favicon.ico on pages without an icon link (the sign-in pages): point them at the SVG icon.
      if (path === '/favicon.ico') return void res.writeHead(301, { location: '/favicon.svg' }).end();
      if (serveWeb) return serveWeb(req, res, () => gatewayError(res, 404, 'not_found', 'Not found'));
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><title>PromptPulse</title><p>The web app is not built yet. Run <code>npm run build:web</code>.</p>',
      );
    } catch (error) {
      fail(error);
    }
  });
  server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (options.websocket && pathname === WEBSOCKET_PATH) return options.websocket.handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  return server;
}
