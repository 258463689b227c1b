import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { PreconditionFailedError } from '#shared/domain/errors.ts';
import type { RetentionChoice } from '#shared/domain/retention.ts';
import type { TenantId } from '#shared/domain/workspace.ts';
import type { AuditRecord } from '#shared/ports/audit.ts';
import type { RetentionSettingsStore, StoredRetention } from '#shared/ports/retention.ts';
import { auditPut, failedConditions } from './dynamodb-support.ts';
import { keys } from './table-keys.ts';

/** A workspace's retention settings: `<t>#WORKSPACE / RETENTION`, written in one transaction with its audit entry. */
export class DynamoDbRetentionSettings implements RetentionSettingsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: TenantId): Promise<StoredRetention | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.retentionSettings(tenantId), ConsistentRead: true }),
    );
    if (!Item) return null;
    return {
      rawAnswers: Item.rawAnswers as RetentionChoice,
      posts: Item.posts as RetentionChoice,
      version: Number(Item.version),
      updatedAt: String(Item.updatedAt),
    };
  }

  async put(tenantId: TenantId, settings: StoredRetention, audit: AuditRecord): Promise<void> {
    const expected = settings.version - 1;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.retentionSettings(tenantId), type: 'RetentionSettings', ...settings },
                ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
                ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':expected': expected } }),
              },
            },
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(0)) {
        throw new PreconditionFailedError('The retention settings were changed by someone else; reload and try again', {
          cause: error,
        });
      }
      throw error;
    }
  }
}
