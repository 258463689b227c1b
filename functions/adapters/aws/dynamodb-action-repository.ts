import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Action, SyncStatus } from '#shared/contracts/actions.ts';
import type { AuditEntry } from '#shared/contracts/audit.ts';
import { ConflictError, PreconditionFailedError } from '#shared/domain/errors.ts';
import type { TenantId } from '#shared/domain/workspace.ts';
import type { ActionRepository } from '#shared/ports/actions.ts';
import { auditPut, failedConditions } from './dynamodb-support.ts';

/**
 * Strips storage attributes. Actions have a domain field named `type` (the action type), so the item kind is kept
 * in `entity` and `type` is left alone.
 */
function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest;
}

/** Keys of the Action Hub (tenant first, like every key). */
export const actionKeys = {
  partition: (tenantId: TenantId) => `${tenantId}#ACTION`,
  action: (tenantId: TenantId, actionId: string) => ({ pk: `${tenantId}#ACTION`, sk: `ACTION#${actionId}` }),
  /**
   * Held while an action with this dedupe key is open or in progress: creating a twin (two engine runs racing, e.g.
   * after a run and from "Check for new actions") fails its condition. Released when the action is closed.
   */
  openKey: (tenantId: TenantId, brandId: string, dedupeKey: string) => ({
    pk: `${tenantId}#ACTION`,
    sk: `OPENKEY#${brandId}#${dedupeKey}`,
  }),
  sync: (tenantId: TenantId, actionId: string, integrationId: string) => ({
    pk: `${tenantId}#ACTION`,
    sk: `SYNC#${actionId}#${integrationId}`,
  }),
} as const;

const stale = (cause?: unknown) =>
  new PreconditionFailedError('The action was changed by someone else; reload and try again', { cause });

/** Actions and their per-integration sync status in the single table (one partition per tenant). */
export class DynamoDbActionRepository implements ActionRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async queryAll(tenantId: TenantId, prefix: string, filter?: { brandId: string }) {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ...(filter ? { FilterExpression: 'brandId = :brandId' } : {}),
          ExpressionAttributeValues: {
            ':pk': actionKeys.partition(tenantId),
            ':prefix': prefix,
            ...(filter ? { ':brandId': filter.brandId } : {}),
          },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(result.Items ?? []));
      start = result.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async listForBrand(tenantId: TenantId, brandId: string): Promise<Action[]> {
    return (await this.queryAll(tenantId, 'ACTION#', { brandId })).map((i) => withoutKeys(i) as unknown as Action);
  }

  async listAll(tenantId: TenantId): Promise<Action[]> {
    return (await this.queryAll(tenantId, 'ACTION#')).map((i) => withoutKeys(i) as unknown as Action);
  }

  async get(tenantId: TenantId, actionId: string): Promise<Action | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: actionKeys.action(tenantId, actionId), ConsistentRead: true }),
    );
    return Item ? (withoutKeys(Item) as unknown as Action) : null;
  }

  async create(tenantId: TenantId, action: Action, audit: AuditEntry | null): Promise<void> {
    const put = {
      TableName: this.tableName,
      Item: { ...actionKeys.action(tenantId, action.id), entity: 'Action', ...action },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    const openKey = {
      TableName: this.tableName,
      Item: {
        ...actionKeys.openKey(tenantId, action.brandId, action.dedupeKey),
        entity: 'ActionOpenKey',
        actionId: action.id,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            { Put: openKey },
            ...(audit ? [auditPut(this.tableName, tenantId, audit)] : []),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(1)) {
        throw new ConflictError('An open action with this dedupe key exists', {
          code: 'duplicate_open_action',
          cause: error,
        });
      }
      throw error;
    }
  }

  async update(tenantId: TenantId, action: Action, audit: AuditEntry | null): Promise<void> {
    const put = {
      TableName: this.tableName,
      Item: { ...actionKeys.action(tenantId, action.id), entity: 'Action', ...action },
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': action.version - 1 },
    };
    const closed = action.status === 'done' || action.status === 'dismissed';
    // Closing releases the dedupe key (only if this action holds it), so the engine may raise it again later.
    const release = {
      Delete: {
        TableName: this.tableName,
        Key: actionKeys.openKey(tenantId, action.brandId, action.dedupeKey),
        ConditionExpression: 'attribute_not_exists(pk) OR actionId = :id',
        ExpressionAttributeValues: { ':id': action.id },
      },
    };
    try {
      if (!audit && !closed) await this.db.send(new PutCommand(put));
      else {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: put },
              ...(closed ? [release] : []),
              ...(audit ? [auditPut(this.tableName, tenantId, audit)] : []),
            ],
          }),
        );
      }
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || failedConditions(error).includes(0)) throw stale(error);
      throw error;
    }
  }

  async listSync(tenantId: TenantId, actionId: string): Promise<SyncStatus[]> {
    return (await this.queryAll(tenantId, `SYNC#${actionId}#`)).map((i) => {
      const { actionId: _a, ...rest } = withoutKeys(i) as unknown as SyncStatus & { actionId: string };
      return rest;
    });
  }

  async putSync(tenantId: TenantId, actionId: string, status: SyncStatus): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...actionKeys.sync(tenantId, actionId, status.integrationId),
          entity: 'ActionSync',
          actionId,
          ...status,
        },
      }),
    );
  }
}
