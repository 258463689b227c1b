import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '#shared/contracts/audit.ts';
import type { TenantId } from '#shared/domain/workspace.ts';
import type { AuditLog } from '#shared/ports/audit.ts';
import type { Page, PageRequest } from '#shared/ports/pagination.ts';
import { decodeCursor, encodeCursor, withoutKeys } from './dynamodb-support.ts';
import { keys } from './table-keys.ts';

/** Reads the append-only audit log, newest first. Entries are written by the changes they describe. */
export class DynamoDbAuditLog implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(tenantId: TenantId, page: PageRequest): Promise<Page<AuditEntry>> {
    const pk = keys.auditPartition(tenantId);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, pk),
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => withoutKeys(item) as unknown as AuditEntry),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  }
}
