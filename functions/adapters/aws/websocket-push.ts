import type { Logger } from '@aws-lambda-powertools/logger';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PushMessage } from '#shared/contracts/runs.ts';
import type { TenantId, UserId } from '#shared/domain/workspace.ts';
import {
  encodePushMessage,
  type PushNotifier,
  type PushResult,
  type WebSocketConnectionStore,
} from '#shared/ports/push.ts';
import type { Clock } from '#shared/ports/system.ts';
import { type BaseConfig, type PushConfig, readBaseConfig, readPushConfig } from '../../config.ts';
import { systemClock } from '../system.ts';
import { createDocumentClient } from './clients.ts';
import { DynamoDbConnectionStore } from './dynamodb-connection-store.ts';
import { DynamoDbWorkspaceRepository } from './dynamodb-workspace-repository.ts';

/** Where problems with single connections are reported; they never make a push fail. */
export type PushLogger = Pick<Logger, 'warn'>;

/**
 * The API Gateway Management API client for the WebSocket stage. The endpoint is the stage's callback URL in
 * AWS and the local gateway's emulation locally; the SDK keeps the endpoint's path, so `/{stage}` (or
 * `/ws-management`) prefixes `/@connections/{id}`.
 */
export function createManagementApiClient(config: PushConfig): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    region: config.AWS_REGION,
    endpoint: config.WS_MANAGEMENT_ENDPOINT,
    maxAttempts: 3,
  });
}

/** 410: the connection is closed (or never existed); the management API says so with GoneException. */
export function isGone(error: unknown): boolean {
  if (error instanceof GoneException) return true;
  const candidate = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  return candidate?.name === 'GoneException' || candidate?.$metadata?.httpStatusCode === 410;
}

/** Whether a user is (still) a member of a tenant; re-checked before pushing to their connection. */
export type MembershipCheck = (tenantId: TenantId, userId: UserId) => Promise<boolean>;

/** How long a membership answer is reused across pushes: a removed member stops receiving within this. */
export const MEMBERSHIP_RECHECK_MS = 2000;

export interface WebSocketPushOptions {
  /** Posts in flight at once per push. @default 16 */
  concurrency?: number;
  logger?: PushLogger;
  clock?: Clock;
  /**
   * Re-checks each connection's membership before a push (answers reused for {@link MEMBERSHIP_RECHECK_MS}); a
   * connection whose user left the workspace is closed and forgotten instead of receiving. Absent: no re-check
   * (only for a notifier used to answer a connection's own frames).
   */
  membership?: MembershipCheck;
}

/** The membership check over the user directory (`USER#<sub>` names the user's one workspace). */
export function directoryMembershipCheck(
  workspaces: Pick<DynamoDbWorkspaceRepository, 'findMembership'>,
): MembershipCheck {
  return async (tenantId, userId) => (await workspaces.findMembership(userId))?.tenantId === tenantId;
}

/**
 * PushNotifier over API Gateway WebSocket connections: finds the tenant's open connections in the store,
 * serializes the message once (refusing anything over 32 KB before sending), posts it to each connection with
 * `PostToConnection`, and forgets every connection that answers 410 Gone.
 */
export class WebSocketPushNotifier implements PushNotifier {
  private readonly concurrency: number;
  private readonly logger: PushLogger | undefined;
  private readonly clock: Clock;
  private readonly membership: MembershipCheck | undefined;
  private readonly memberships = new Map<string, { member: boolean; at: number }>();

  constructor(
    private readonly management: ApiGatewayManagementApiClient,
    private readonly connections: WebSocketConnectionStore,
    options: WebSocketPushOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 16);
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.membership = options.membership;
  }

  /** The connection's user is still a member (re-read at most every MEMBERSHIP_RECHECK_MS; errors count as yes). */
  private async stillMember(tenantId: TenantId, userId: UserId): Promise<boolean> {
    if (!this.membership) return true;
    const key = `${tenantId}|${userId}`;
    const now = Date.now();
    const cached = this.memberships.get(key);
    if (cached && now - cached.at < MEMBERSHIP_RECHECK_MS) return cached.member;
    const member = await this.membership(tenantId, userId).catch(() => true);
    if (this.memberships.size > 5000) this.memberships.clear();
    this.memberships.set(key, { member, at: now });
    return member;
  }

  async pushToTenant(tenantId: TenantId, message: PushMessage): Promise<PushResult> {
    const data = encodePushMessage(message);
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const targets = await this.connections.listForTenant(tenantId, now);
    const result: PushResult = { sent: 0, stale: 0, failed: 0 };
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const connection = targets[next++];
        if (!connection) continue;
        if (!(await this.stillMember(tenantId, connection.userId))) {
          // Removed from the workspace since `$connect`: close the socket and forget it; nothing is sent.
          await this.management
            .send(new DeleteConnectionCommand({ ConnectionId: connection.connectionId }))
            .catch(() => null);
          await this.connections.delete(tenantId, connection.connectionId).catch(() => null);
          result.stale++;
          continue;
        }
        const outcome = await this.post(connection.connectionId, data);
        if (outcome === 'gone') {
          await this.connections.delete(tenantId, connection.connectionId).catch((error: unknown) => {
            this.logger?.warn('Could not forget a stale WebSocket connection', {
              connectionId: connection.connectionId,
              error: (error as Error)?.name,
            });
          });
        }
        result[outcome === 'sent' ? 'sent' : outcome === 'gone' ? 'stale' : 'failed']++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, targets.length) }, worker));
    return result;
  }

  /**
   * Posts already-encoded data to one connection. Resolves `gone` on 410 and `failed` on any other error
   * (logged without the payload); never rejects.
   */
  async post(connectionId: string, data: Uint8Array): Promise<'sent' | 'gone' | 'failed'> {
    try {
      await this.management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
      return 'sent';
    } catch (error) {
      if (isGone(error)) return 'gone';
      this.logger?.warn('Could not post to a WebSocket connection', {
        connectionId,
        error: (error as Error)?.name,
        status: (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode,
      });
      return 'failed';
    }
  }
}

export interface PushNotifierFactoryOptions {
  /** @default readBaseConfig() and readPushConfig() from process.env */
  config?: Pick<BaseConfig, 'TABLE_NAME' | 'AWS_REGION' | 'DYNAMODB_ENDPOINT'> & PushConfig;
  /** Reuse the function's document client (e.g. one wrapped by the tracer). @default a new one from config */
  db?: DynamoDBDocumentClient;
  /** @default createManagementApiClient(config) */
  management?: ApiGatewayManagementApiClient;
  logger?: PushLogger;
  clock?: Clock;
  /** @default 16 */
  concurrency?: number;
}

/**
 * Builds the PushNotifier a function uses, once per cold start. Needs `TABLE_NAME` and `WS_MANAGEMENT_ENDPOINT`
 * in the environment (plus `DYNAMODB_ENDPOINT` locally), table item read/write and `execute-api:ManageConnections`
 * on the WebSocket stage (CDK: `PushWebSocketApi.grantPush(fn)`).
 */
export function createPushNotifier(options: PushNotifierFactoryOptions = {}): WebSocketPushNotifier {
  const config = options.config ?? { ...readBaseConfig(), ...readPushConfig() };
  const db = options.db ?? createDocumentClient(config);
  return new WebSocketPushNotifier(
    options.management ?? createManagementApiClient(config),
    new DynamoDbConnectionStore(db, config.TABLE_NAME),
    {
      logger: options.logger,
      clock: options.clock,
      concurrency: options.concurrency,
      membership: directoryMembershipCheck(new DynamoDbWorkspaceRepository(db, config.TABLE_NAME)),
    },
  );
}
