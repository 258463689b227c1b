import * as z from 'zod';
import type { PushMessage } from '../contracts/runs.ts';
import { UnauthenticatedError } from '../domain/errors.ts';
import { isRole } from '../domain/roles.ts';
import { isTenantId } from '../domain/workspace.ts';
import type { AccessTokenVerifier } from '../ports/access-token-verifier.ts';
import type { WebSocketConnection, WebSocketConnectionStore } from '../ports/push.ts';
import type { Clock } from '../ports/system.ts';
import type { WorkspaceRepository } from '../ports/workspace-repository.ts';
import { authorizeTenantPrincipal } from './workspaces.ts';

/** API Gateway closes a WebSocket connection after 2 hours at the latest; its record lives as long. */
export const CONNECTION_TTL_SECONDS = 2 * 60 * 60;

export interface WebSocketDeps {
  verifier: AccessTokenVerifier;
  workspaces: WorkspaceRepository;
  connections: WebSocketConnectionStore;
  clock: Clock;
}

/**
 * `$connect`: the access token comes as a subprotocol (shared/contracts/websocket-auth.ts), never in the URL.
 * It is verified like the API's bearer token, the tenant is taken from the verified claim only, membership is
 * confirmed in the store (every role may watch its workspace's runs), and only then is the connection kept.
 * @throws UnauthenticatedError (no/invalid token), ForbiddenError (no workspace, not a member)
 */
export async function openConnection(
  deps: WebSocketDeps,
  connectionId: string,
  token: string | undefined,
): Promise<WebSocketConnection> {
  if (!token) {
    throw new UnauthenticatedError('Offer the access token as the `bearer.<token>` WebSocket subprotocol');
  }
  const verified = await deps.verifier.verify(token);
  const principal = await authorizeTenantPrincipal(deps, {
    userId: verified.sub,
    email: verified.email,
    tenantId: verified.tenantId && isTenantId(verified.tenantId) ? verified.tenantId : null,
    claimedRole: verified.groups.find(isRole) ?? null,
  });
  const now = deps.clock.now();
  const connection: WebSocketConnection = {
    connectionId,
    tenantId: principal.tenantId,
    userId: principal.userId,
    connectedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + CONNECTION_TTL_SECONDS,
  };
  await deps.connections.save(connection);
  return connection;
}

/** `$disconnect`: forget the connection (idempotent; the record may already be gone after a 410). */
export async function closeConnection(
  deps: Pick<WebSocketDeps, 'connections'>,
  connectionId: string,
): Promise<WebSocketConnection | null> {
  return deps.connections.deleteById(connectionId);
}

/**
 * Frames a browser may send. `ping` keeps the connection from API Gateway's 10-minute idle timeout and is
 * answered with `pong`; `subscribe` confirms the (tenant-wide) run updates the connection receives.
 */
export const ClientFrameSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('ping') }).strict(),
  z.object({ action: z.literal('subscribe'), topic: z.literal('runs').default('runs') }).strict(),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

/**
 * Frames the server sends in reply to a client frame: a contract push message (`pong`), or the two control
 * frames that are not run data (`subscribed`, and `error` with the same `{code,message}` shape as the API).
 */
export type ServerFrame =
  | PushMessage
  | { type: 'subscribed'; topic: 'runs'; scope: 'tenant' }
  | { type: 'error'; error: { code: string; message: string; details?: unknown } };

/** Largest client frame considered; API Gateway itself accepts up to 128 KB, a real frame is tiny. */
export const MAX_CLIENT_FRAME_BYTES = 4 * 1024;

/** `$default`: answers one client frame. Never throws: a bad frame gets an `error` frame. */
export function replyToClientFrame(body: string | undefined, isBase64Encoded: boolean, now: Date): ServerFrame {
  const fail = (code: string, message: string, details?: unknown): ServerFrame => ({
    type: 'error',
    error: { code, message, ...(details === undefined ? {} : { details }) },
  });
  if (isBase64Encoded) return fail('unsupported_frame', 'Only text frames carrying JSON are accepted');
  if (!body) return fail('invalid_frame', 'The frame is empty');
  if (body.length > MAX_CLIENT_FRAME_BYTES) {
    return fail('frame_too_large', `Frames are limited to ${MAX_CLIENT_FRAME_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return fail('invalid_json', 'The frame is not valid JSON');
  }
  const parsed = ClientFrameSchema.safeParse(json);
  if (!parsed.success) {
    return fail(
      'invalid_frame',
      'Expected {"action":"ping"} or {"action":"subscribe"}',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  switch (parsed.data.action) {
    case 'ping':
      return { type: 'pong', at: now.toISOString() };
    case 'subscribe':
      return { type: 'subscribed', topic: parsed.data.topic, scope: 'tenant' };
  }
}
