import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isTenantId, type TenantId } from '#shared/domain/workspace.ts';
import { TABLE_SCHEMA } from '#shared/infra/resources.ts';
import type { WebSocketConnection, WebSocketConnectionStore } from '#shared/ports/push.ts';
import { keys } from './table-keys.ts';

type Item = Record<string, unknown>;

function toConnection(item: Item): WebSocketConnection | null {
  const tenantId = item.tenantId;
  if (!isTenantId(tenantId) || typeof item.connectionId !== 'string') return null;
  return {
    connectionId: item.connectionId,
    tenantId,
    userId: String(item.userId),
    connectedAt: String(item.connectedAt),
    expiresAt: Number(item.expiresAt),
  };
}

/**
 * Open WebSocket connections in the single table: `<tenantId>#WSCONN` / `CONN#<connectionId>`, so a tenant's
 * connections are one partition (and its key starts with the tenant id); `gsi1pk = WSCONN#<connectionId>`
 * finds the record from the connection id alone, which is all `$disconnect` knows. `expiresAt` is the table's
 * TTL attribute: a record whose `$disconnect` never ran disappears by itself.
 */
export class DynamoDbConnectionStore implements WebSocketConnectionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(connection: WebSocketConnection): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.wsConnection(connection.tenantId, connection.connectionId),
          type: 'WsConnection',
          ...connection,
        },
      }),
    );
  }

  async listForTenant(tenantId: TenantId, nowEpochSeconds: number): Promise<WebSocketConnection[]> {
    const found: WebSocketConnection[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          // TTL deletion lags by up to days; an expired record is a connection API Gateway has closed.
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: {
            ':pk': keys.wsConnectionPartition(tenantId),
            ':prefix': keys.wsConnectionPrefix,
            ':now': nowEpochSeconds,
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const connection = toConnection(item);
        // Defence in depth: the partition is the tenant's, and so must be every record in it.
        if (connection && connection.tenantId === tenantId) found.push(connection);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  async delete(tenantId: TenantId, connectionId: string): Promise<void> {
    const { pk, sk } = keys.wsConnection(tenantId, connectionId);
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk } }));
  }

  async deleteById(connectionId: string): Promise<WebSocketConnection | null> {
    const { gsi1 } = TABLE_SCHEMA.indexes;
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: gsi1.name,
        KeyConditionExpression: 'gsi1pk = :id',
        ExpressionAttributeValues: { ':id': keys.wsConnectionById(connectionId) },
      }),
    );
    let removed: WebSocketConnection | null = null;
    for (const item of Items ?? []) {
      const connection = toConnection(item);
      if (!connection) continue;
      await this.delete(connection.tenantId, connection.connectionId);
      removed = connection;
    }
    return removed;
  }
}
