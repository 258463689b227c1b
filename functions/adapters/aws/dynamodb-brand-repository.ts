import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Brand } from '#shared/contracts/brands.ts';
import type { PromptSetVersion, PromptSetVersionSummary } from '#shared/contracts/prompt-sets.ts';
import type { RunSettings } from '#shared/contracts/run-settings.ts';
import { ConflictError, NotFoundError, PreconditionFailedError } from '#shared/domain/errors.ts';
import type { TenantId } from '#shared/domain/workspace.ts';
import type { AuditRecord } from '#shared/ports/audit.ts';
import type { BrandRepository } from '#shared/ports/brand-repository.ts';
import type { Page, PageRequest } from '#shared/ports/pagination.ts';
import { auditPut, decodeCursor, encodeCursor, failedConditions, withoutKeys } from './dynamodb-support.ts';
import { keys } from './table-keys.ts';

/** gsi1 entry of a scheduled brand: `SCHEDULE` / `<nextRunAt>#<tenantId>#<brandId>` (an operations index). */
export function scheduleIndex(tenantId: TenantId, brandId: string, nextRunAt: string) {
  return { gsi1pk: 'SCHEDULE', gsi1sk: `${nextRunAt}#${tenantId}#${brandId}` };
}

const stale = (what: string, cause?: unknown) =>
  new PreconditionFailedError(`The ${what} was changed by someone else; reload and try again`, { cause });

/**
 * Brands (with competitors and topics embedded: a brand's tracked entities change together and are validated
 * together), immutable prompt-set versions and run settings, in the single table.
 */
export class DynamoDbBrandRepository implements BrandRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listBrands(tenantId: TenantId, page: PageRequest): Promise<Page<Brand>> {
    const pk = keys.brandPartition(tenantId);
    const items: Brand[] = [];
    let start = decodeCursor(page.cursor, pk);
    // Deleted brands are filtered out, so keep reading until the page is full or the partition ends.
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: 'attribute_not_exists(deletedAt)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': 'BRAND#' },
          Limit: page.limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of result.Items ?? []) items.push(withoutKeys(item) as unknown as Brand);
      start = result.LastEvaluatedKey;
    } while (start && items.length < page.limit);
    return { items, nextCursor: encodeCursor(start) };
  }

  async getBrand(tenantId: TenantId, brandId: string): Promise<Brand | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.brand(tenantId, brandId), ConsistentRead: true }),
    );
    if (!Item || Item.deletedAt) return null;
    return withoutKeys(Item) as unknown as Brand;
  }

  private brandPut(tenantId: TenantId, brand: Brand, condition: string, values?: Record<string, unknown>) {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.brand(tenantId, brand.id), type: 'Brand', ...brand },
        ConditionExpression: condition,
        ...(values ? { ExpressionAttributeValues: values } : {}),
      },
    };
  }

  private namePut(tenantId: TenantId, brand: Brand) {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.brandName(tenantId, brand.name), type: 'BrandName', brandId: brand.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  async createBrand(tenantId: TenantId, brand: Brand, maxBrands: number, audit: AuditRecord): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.brandPut(tenantId, brand, 'attribute_not_exists(pk)'),
            this.namePut(tenantId, brand),
            {
              Update: {
                TableName: this.tableName,
                Key: keys.workspace(tenantId),
                UpdateExpression: 'SET brandCount = if_not_exists(brandCount, :zero) + :one',
                ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(brandCount) OR brandCount < :max)',
                ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': maxBrands },
              },
            },
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      const failed = failedConditions(error);
      if (failed.includes(1)) {
        throw new ConflictError(`A brand named “${brand.name}” already exists`, {
          code: 'brand_name_taken',
          details: [{ path: 'name', message: 'already used by another brand in this workspace' }],
          cause: error,
        });
      }
      if (failed.includes(2)) {
        throw new ConflictError(`Your plan allows ${maxBrands} brands`, {
          code: 'plan_limit_reached',
          details: { limit: 'maxBrands', value: maxBrands },
          cause: error,
        });
      }
      throw error;
    }
  }

  async updateBrand(
    tenantId: TenantId,
    brand: Brand,
    expectedVersion: number,
    previousName: string,
    audit: AuditRecord,
  ): Promise<void> {
    const renamed = previousName.toLocaleLowerCase() !== brand.name.toLocaleLowerCase();
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.brandPut(tenantId, brand, 'version = :expected AND attribute_not_exists(deletedAt)', {
              ':expected': expectedVersion,
            }),
            auditPut(this.tableName, tenantId, audit),
            ...(renamed
              ? [
                  this.namePut(tenantId, brand),
                  { Delete: { TableName: this.tableName, Key: keys.brandName(tenantId, previousName) } },
                ]
              : []),
          ],
        }),
      );
    } catch (error) {
      const failed = failedConditions(error);
      if (failed.includes(0)) throw stale('brand', error);
      if (failed.includes(2)) {
        throw new ConflictError(`A brand named “${brand.name}” already exists`, {
          code: 'brand_name_taken',
          details: [{ path: 'name', message: 'already used by another brand in this workspace' }],
          cause: error,
        });
      }
      throw error;
    }
  }

  async deleteBrand(tenantId: TenantId, brand: Brand, expectedVersion: number, audit: AuditRecord): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.brand(tenantId, brand.id),
                UpdateExpression: 'SET deletedAt = :now, version = :next',
                ConditionExpression: 'version = :expected AND attribute_not_exists(deletedAt)',
                ExpressionAttributeValues: {
                  ':now': audit.at,
                  ':next': expectedVersion + 1,
                  ':expected': expectedVersion,
                },
              },
            },
            { Delete: { TableName: this.tableName, Key: keys.brandName(tenantId, brand.name) } },
            {
              Update: {
                TableName: this.tableName,
                Key: keys.workspace(tenantId),
                UpdateExpression: 'ADD brandCount :minus',
                ExpressionAttributeValues: { ':minus': -1 },
              },
            },
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(0)) throw stale('brand', error);
      throw error;
    }
  }

  async getPromptSetVersion(tenantId: TenantId, brandId: string, version: number): Promise<PromptSetVersion | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.promptSetVersion(tenantId, brandId, version) }),
    );
    return Item ? (withoutKeys(Item) as unknown as PromptSetVersion) : null;
  }

  async listPromptSetVersions(
    tenantId: TenantId,
    brandId: string,
    page: PageRequest,
  ): Promise<Page<PromptSetVersionSummary>> {
    const pk = keys.brandChildPartition(tenantId, brandId);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.promptSetPrefix },
        // Summaries only: the prompt lists can be large.
        ProjectionExpression: 'pk, sk, version, note, createdAt, createdBy, #counts',
        ExpressionAttributeNames: { '#counts': 'counts' },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, pk),
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => withoutKeys(item) as unknown as PromptSetVersionSummary),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async createPromptSetVersion(tenantId: TenantId, version: PromptSetVersion, audit: AuditRecord): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.brand(tenantId, version.brandId),
                UpdateExpression: 'SET promptSetVersion = :next',
                ConditionExpression: 'promptSetVersion = :expected AND attribute_not_exists(deletedAt)',
                ExpressionAttributeValues: { ':next': version.version, ':expected': version.version - 1 },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.promptSetVersion(tenantId, version.brandId, version.version),
                  type: 'PromptSetVersion',
                  ...version,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      const failed = failedConditions(error);
      if (failed.includes(0) || failed.includes(1)) throw stale('prompt set', error);
      throw error;
    }
  }

  async getRunSettings(tenantId: TenantId, brandId: string): Promise<RunSettings | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.runSettings(tenantId, brandId), ConsistentRead: true }),
    );
    return Item ? (withoutKeys(Item) as unknown as RunSettings) : null;
  }

  async putRunSettings(tenantId: TenantId, settings: RunSettings, audit: AuditRecord): Promise<void> {
    const expected = settings.version - 1;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.runSettings(tenantId, settings.brandId),
                  type: 'RunSettings',
                  ...settings,
                  // Sparse schedule index: only scheduled brands appear, ordered by their next run.
                  ...(settings.nextRunAt ? scheduleIndex(tenantId, settings.brandId, settings.nextRunAt) : {}),
                },
                ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
                ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':expected': expected } }),
              },
            },
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: keys.brand(tenantId, settings.brandId),
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
              },
            },
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      const failed = failedConditions(error);
      if (failed.includes(1)) throw new NotFoundError('Brand not found', { code: 'brand_not_found', cause: error });
      if (failed.includes(0)) throw stale('run settings', error);
      throw error;
    }
  }
}

/** Due schedules across tenants, and advancing one (at most once per slot). */
export class DynamoDbScheduleIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async due(now: string, limit = 100): Promise<{ tenantId: string; brandId: string; nextRunAt: string }[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :schedule AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':schedule': 'SCHEDULE', ':now': `${now}#~` },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).flatMap((item) => {
      const [nextRunAt, tenantId, brandId] = String(item.gsi1sk).split('#');
      return nextRunAt && tenantId && brandId ? [{ tenantId, brandId, nextRunAt }] : [];
    });
  }

  /** Moves a brand's schedule from `from` to `to`; false when another tick already did. */
  async advance(tenantId: TenantId, brandId: string, from: string, to: string | null): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.runSettings(tenantId, brandId),
          UpdateExpression: to ? 'SET nextRunAt = :to, gsi1sk = :sk' : 'SET nextRunAt = :to REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'nextRunAt = :from',
          ExpressionAttributeValues: {
            ':from': from,
            ':to': to,
            ...(to ? { ':sk': scheduleIndex(tenantId, brandId, to).gsi1sk } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
