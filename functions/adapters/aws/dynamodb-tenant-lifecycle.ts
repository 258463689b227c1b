import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#shared/domain/errors.ts';
import type { TenantId } from '#shared/domain/workspace.ts';
import { DELETION_LEDGER_PARTITION } from '#shared/infra/resources.ts';
import type { TenantItemStore, WorkspaceDeletion, WorkspaceDeletionLedger } from '#shared/ports/tenant-lifecycle.ts';
import { keys } from './table-keys.ts';

const LEDGER_PK = DELETION_LEDGER_PARTITION;

function toDeletion(item: Record<string, unknown>): WorkspaceDeletion {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as unknown as WorkspaceDeletion;
}

/** Workspace deletions in the single table (`LIFECYCLE#DELETION` / `<tenantId>`); the record is the tombstone. */
export class DynamoDbWorkspaceDeletionLedger implements WorkspaceDeletionLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: TenantId): Promise<WorkspaceDeletion | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: LEDGER_PK, sk: tenantId }, ConsistentRead: true }),
    );
    return Item ? toDeletion(Item) : null;
  }

  async schedule(deletion: WorkspaceDeletion): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: LEDGER_PK, sk: deletion.tenantId, type: 'WorkspaceDeletion', ...deletion },
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :cancelled',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':cancelled': 'cancelled' },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new ConflictError('A deletion of this workspace is already scheduled', {
          code: 'deletion_scheduled',
          cause: error,
        });
      }
      throw error;
    }
  }

  async save(deletion: WorkspaceDeletion): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: LEDGER_PK, sk: deletion.tenantId, type: 'WorkspaceDeletion', ...deletion },
      }),
    );
  }

  async listDue(now: string): Promise<WorkspaceDeletion[]> {
    const due: WorkspaceDeletion[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#status IN (:scheduled, :purging) AND purgeAfter <= :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': LEDGER_PK,
            ':scheduled': 'scheduled',
            ':purging': 'purging',
            ':now': now,
          },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      due.push(...(page.Items ?? []).map(toDeletion));
      start = page.LastEvaluatedKey;
    } while (start);
    return due;
  }
}

/**
 * A tenant's items in the single table, found by scanning for keys that start with `<tenantId>#` (every tenant key
 * does; tests/integration/api-workspaces.test.ts checks it), so a purge misses no partition added later. A scan
 * reads the whole table: acceptable for a rare, asynchronous purge (it needs `dynamodb:Scan`, granted to the
 * lifecycle job only).
 */
export class DynamoDbTenantItems implements TenantItemStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Deletes per BatchWriteItem (DynamoDB allows 25). */
    private readonly batchSize = 25,
  ) {}

  private async *tenantKeys(tenantId: TenantId): AsyncGenerator<{ pk: string; sk: string }[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(pk, :prefix)',
          ProjectionExpression: 'pk, sk',
          ExpressionAttributeValues: { ':prefix': `${tenantId}#` },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      yield (page.Items ?? []) as { pk: string; sk: string }[];
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async deleteAll(tenantId: TenantId): Promise<number> {
    let deleted = 0;
    for await (const page of this.tenantKeys(tenantId)) {
      for (let i = 0; i < page.length; i += this.batchSize) {
        let requests = page
          .slice(i, i + this.batchSize)
          .map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 8) throw new Error('DynamoDB kept items unprocessed; the purge will resume');
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
          const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
          const unprocessed = result.UnprocessedItems?.[this.tableName] ?? [];
          deleted += requests.length - unprocessed.length;
          requests = unprocessed as typeof requests;
        }
      }
    }
    return deleted;
  }

  async countAll(tenantId: TenantId): Promise<number> {
    let count = 0;
    for await (const page of this.tenantKeys(tenantId)) count += page.length;
    return count;
  }

  async memberIds(tenantId: TenantId): Promise<string[]> {
    const ids: string[] = [];
    const pk = keys.member(tenantId, '').pk;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.memberPrefix },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.sk).slice(keys.memberPrefix.length));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  async removeDirectoryEntry(userId: string, tenantId: TenantId): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.userDirectory(userId),
          ConditionExpression: 'tenantId = :tenant',
          ExpressionAttributeValues: { ':tenant': tenantId },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
