import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '#shared/contracts/audit.ts';
import type { Delivery } from '#shared/contracts/integrations.ts';
import { PreconditionFailedError } from '#shared/domain/errors.ts';
import type { TenantId } from '#shared/domain/workspace.ts';
import type { IntegrationRecord, IntegrationRepository } from '#shared/ports/actions.ts';
import type { Page, PageRequest } from '#shared/ports/pagination.ts';
import { isSealedSecret, type SecretSealer } from '#shared/ports/secret-sealer.ts';
import { auditPut, decodeCursor, encodeCursor, failedConditions, withoutKeys } from './dynamodb-support.ts';

export const integrationKeys = {
  partition: (tenantId: TenantId) => `${tenantId}#INTEGRATION`,
  integration: (tenantId: TenantId, id: string) => ({ pk: `${tenantId}#INTEGRATION`, sk: `INT#${id}` }),
  deliveryPartition: (tenantId: TenantId, integrationId: string) => `${tenantId}#INTEGRATION#${integrationId}`,
  /** Delivery ids are ULIDs: the sort key orders the log by time. */
  delivery: (tenantId: TenantId, integrationId: string, deliveryId: string) => ({
    pk: `${tenantId}#INTEGRATION#${integrationId}`,
    sk: `DLV#${deliveryId}`,
  }),
} as const;

/** Deliveries are kept 30 days (DynamoDB TTL on `expiresAt`). */
const DELIVERY_TTL_SECONDS = 30 * 24 * 3600;

const stale = (cause?: unknown) =>
  new PreconditionFailedError('The integration was changed by someone else; reload and try again', { cause });

/** Integrations (with their write-only secret) and their delivery logs, in the single table. */
export class DynamoDbIntegrationRepository implements IntegrationRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Seals the secret before it is stored (KMS envelope, bound to the tenant); null stores it as given. */
    private readonly sealer: SecretSealer | null = null,
  ) {}

  /** The stored item: the secret sealed when a sealer is configured, never beside its sealed form. */
  private async itemOf(tenantId: TenantId, integration: IntegrationRecord) {
    const { secret, ...rest } = integration;
    const base = { ...integrationKeys.integration(tenantId, integration.id), type: 'Integration', ...rest };
    return this.sealer ? { ...base, sealedSecret: await this.sealer.seal(tenantId, secret) } : { ...base, secret };
  }

  /** The record with its secret opened; items written before sealing keep their plain secret until rewritten. */
  private async recordOf(tenantId: TenantId, item: Record<string, unknown>): Promise<IntegrationRecord> {
    const { sealedSecret, ...rest } = withoutKeys(item) as Record<string, unknown>;
    if (isSealedSecret(sealedSecret)) {
      if (!this.sealer) throw new Error('A sealed integration secret was read without a SECRETS_KEY_ID to open it');
      return { ...(rest as unknown as IntegrationRecord), secret: await this.sealer.open(tenantId, sealedSecret) };
    }
    return rest as unknown as IntegrationRecord;
  }

  async list(tenantId: TenantId): Promise<IntegrationRecord[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': integrationKeys.partition(tenantId), ':prefix': 'INT#' },
      }),
    );
    return Promise.all((result.Items ?? []).map((item) => this.recordOf(tenantId, item)));
  }

  async get(tenantId: TenantId, integrationId: string): Promise<IntegrationRecord | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: integrationKeys.integration(tenantId, integrationId),
        ConsistentRead: true,
      }),
    );
    return Item ? this.recordOf(tenantId, Item) : null;
  }

  async create(tenantId: TenantId, integration: IntegrationRecord, audit: AuditEntry): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: await this.itemOf(tenantId, integration),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditPut(this.tableName, tenantId, audit),
        ],
      }),
    );
  }

  async update(tenantId: TenantId, integration: IntegrationRecord, audit: AuditEntry | null): Promise<void> {
    const put = {
      TableName: this.tableName,
      Item: await this.itemOf(tenantId, integration),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': integration.version - 1 },
    };
    try {
      if (audit) {
        await this.db.send(
          new TransactWriteCommand({ TransactItems: [{ Put: put }, auditPut(this.tableName, tenantId, audit)] }),
        );
      } else await this.db.send(new PutCommand(put));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || failedConditions(error).includes(0)) throw stale(error);
      throw error;
    }
  }

  async delete(tenantId: TenantId, integrationId: string, expectedVersion: number, audit: AuditEntry): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: integrationKeys.integration(tenantId, integrationId),
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              },
            },
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(0)) throw stale(error);
      throw error;
    }
  }

  async putDelivery(tenantId: TenantId, delivery: Delivery): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...integrationKeys.delivery(tenantId, delivery.integrationId, delivery.id),
          type: 'Delivery',
          ...delivery,
          expiresAt: Math.floor(Date.parse(delivery.createdAt) / 1000) + DELIVERY_TTL_SECONDS,
        },
      }),
    );
    if (delivery.status === 'pending') return;
    // The integration's "last delivery" badge; skipped silently when the integration was deleted meanwhile.
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: integrationKeys.integration(tenantId, delivery.integrationId),
          UpdateExpression: 'SET lastDelivery = :last',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':last': { status: delivery.status, at: delivery.updatedAt } },
        }),
      )
      .catch((error) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  async getDelivery(tenantId: TenantId, integrationId: string, deliveryId: string): Promise<Delivery | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: integrationKeys.delivery(tenantId, integrationId, deliveryId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return null;
    const { expiresAt: _e, ...rest } = withoutKeys(Item) as unknown as Delivery & { expiresAt?: number };
    return rest;
  }

  async listDeliveries(tenantId: TenantId, integrationId: string, page: PageRequest): Promise<Page<Delivery>> {
    const pk = integrationKeys.deliveryPartition(tenantId, integrationId);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'DLV#' },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, pk),
      }),
    );
    return {
      items: (result.Items ?? []).map((i) => {
        const { expiresAt: _e, ...rest } = withoutKeys(i) as unknown as Delivery & { expiresAt?: number };
        return rest;
      }),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  }
}
