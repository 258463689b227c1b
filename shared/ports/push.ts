import { type PushMessage, PushMessageSchema } from '../contracts/runs.ts';
import type { TenantId, UserId } from '../domain/workspace.ts';

/**
 * API Gateway WebSocket APIs deliver frames of at most 32 KB; a message that does not fit one frame is refused
 * here, before anything is sent, rather than fragmented or cut by the gateway.
 */
export const MAX_PUSH_MESSAGE_BYTES = 32 * 1024;

/** What one push did: delivered, found gone (410, now forgotten) and failed for another reason. */
export interface PushResult {
  sent: number;
  stale: number;
  /** Connections that refused for another reason (throttled, network); kept, since they may recover. */
  failed: number;
}

/**
 * Pushes messages to the browsers of a tenant over their open WebSocket connections.
 *
 * Best effort per connection: a connection that is gone is forgotten and counted as stale, a connection that
 * fails otherwise is counted as failed; neither makes the call reject. It rejects only for a message that is
 * invalid or larger than {@link MAX_PUSH_MESSAGE_BYTES} (PushMessageTooLargeError/PushMessageInvalidError), or
 * when the connection store itself cannot be read.
 */
export interface PushNotifier {
  pushToTenant(tenantId: TenantId, message: PushMessage): Promise<PushResult>;
}

/** One open browser connection, registered at `$connect` once the token and membership are confirmed. */
export interface WebSocketConnection {
  connectionId: string;
  tenantId: TenantId;
  userId: UserId;
  /** ISO-8601. */
  connectedAt: string;
  /** Epoch seconds after which the record is dead weight (API Gateway closes connections after 2 h). */
  expiresAt: number;
}

/** Where open connections are remembered, per tenant. */
export interface WebSocketConnectionStore {
  save(connection: WebSocketConnection): Promise<void>;
  /** The tenant's live (not expired) connections. */
  listForTenant(tenantId: TenantId, nowEpochSeconds: number): Promise<WebSocketConnection[]>;
  /** Forgets one connection of a known tenant (after a 410). Idempotent. */
  delete(tenantId: TenantId, connectionId: string): Promise<void>;
  /** Forgets a connection knowing only its id (at `$disconnect`); returns the record it removed, if any. */
  deleteById(connectionId: string): Promise<WebSocketConnection | null>;
}

/** The push message exceeds what one WebSocket frame carries. */
export class PushMessageTooLargeError extends Error {
  override readonly name = 'PushMessageTooLargeError';
  constructor(
    readonly bytes: number,
    readonly limit: number = MAX_PUSH_MESSAGE_BYTES,
  ) {
    super(`Push message is ${bytes} bytes; the limit is ${limit} bytes`);
  }
}

/** The push message does not match the contract (`PushMessageSchema`). */
export class PushMessageInvalidError extends Error {
  override readonly name = 'PushMessageInvalidError';
}

const encoder = new TextEncoder();

/**
 * Validates a push message against its contract and serializes it once, as UTF-8 bytes, checking the size.
 * @throws PushMessageInvalidError, PushMessageTooLargeError
 */
export function encodePushMessage(message: PushMessage, limit: number = MAX_PUSH_MESSAGE_BYTES): Uint8Array {
  const parsed = PushMessageSchema.safeParse(message);
  if (!parsed.success) {
    throw new PushMessageInvalidError(`Push message does not match the contract: ${parsed.error.message}`, {
      cause: parsed.error,
    });
  }
  const bytes = encoder.encode(JSON.stringify(parsed.data));
  if (bytes.byteLength > limit) throw new PushMessageTooLargeError(bytes.byteLength, limit);
  return bytes;
}
