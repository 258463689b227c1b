import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SignalAlert } from '#shared/contracts/signals.ts';
import type { Page, PageRequest } from '#shared/ports/pagination.ts';
import type { SignalAlertFilter, SignalAlertStore } from '#shared/ports/signals.ts';
import { alertIdRange } from '#shared/signals/alerts.ts';
import { refusingForeignCursors } from './dynamodb-signal-store.ts';
import { decodeCursor, encodeCursor } from './dynamodb-support.ts';

/** Alerts of a tenant live in one partition, sorted by id (a ULID whose time is the alert's day). */
export const signalAlertKeys = {
  partition: (tenantId: string) => `${tenantId}#SIGALERT`,
  alert: (tenantId: string, alertId: string) => ({ pk: `${tenantId}#SIGALERT`, sk: `ALERT#${alertId}` }),
} as const;

const STORED = [
  'id',
  'brandId',
  'source',
  'metric',
  'direction',
  'day',
  'severity',
  'status',
  'evidence',
  'createdAt',
  'acknowledgedAt',
  'acknowledgedBy',
  'withdrawnAt',
] as const;

function alertOf(item: Record<string, NativeAttributeValue>): SignalAlert {
  const out: Record<string, unknown> = {};
  for (const k of STORED) out[k] = item[k] ?? null;
  return out as SignalAlert;
}

/** {@link SignalAlertStore} on the single table. */
export class DynamoDbSignalAlertStore implements SignalAlertStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(tenantId: string, alert: SignalAlert): Promise<'created' | 'exists'> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...signalAlertKeys.alert(tenantId, alert.id), type: 'SignalAlert', ...alert },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async get(tenantId: string, alertId: string): Promise<SignalAlert | null> {
    const result = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: signalAlertKeys.alert(tenantId, alertId),
        ConsistentRead: true,
      }),
    );
    return result.Item ? alertOf(result.Item) : null;
  }

  async listForDays(tenantId: string, brandId: string, from: string, to: string): Promise<SignalAlert[]> {
    const [low, high] = alertIdRange(from, to);
    const out: SignalAlert[] = [];
    let start: Record<string, NativeAttributeValue> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
          FilterExpression: 'brandId = :brand',
          ExpressionAttributeValues: {
            ':pk': signalAlertKeys.partition(tenantId),
            ':low': `ALERT#${low}`,
            ':high': `ALERT#${high}`,
            ':brand': brandId,
          },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(page.Items ?? []).map(alertOf));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async list(tenantId: string, filter: SignalAlertFilter, page: PageRequest): Promise<Page<SignalAlert>> {
    return refusingForeignCursors(page.cursor, () => this.readList(tenantId, filter, page));
  }

  private async readList(tenantId: string, filter: SignalAlertFilter, page: PageRequest): Promise<Page<SignalAlert>> {
    const pk = signalAlertKeys.partition(tenantId);
    const [low, high] = alertIdRange(filter.from ?? '1970-01-01', filter.to ?? '9999-12-31');
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, NativeAttributeValue> = {
      ':pk': pk,
      ':low': `ALERT#${low}`,
      ':high': `ALERT#${high}`,
    };
    const conditions: string[] = [];
    if (filter.status) {
      values[':status'] = filter.status;
      conditions.push('#status = :status');
    } else {
      values[':withdrawn'] = 'withdrawn';
      conditions.push('#status <> :withdrawn');
    }
    if (filter.brandId) {
      values[':brand'] = filter.brandId;
      conditions.push('brandId = :brand');
    }
    const out: SignalAlert[] = [];
    let start = decodeCursor(page.cursor, pk);
    for (let round = 0; round < 10; round++) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
          FilterExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: Math.max(page.limit * 2, 50),
          ExclusiveStartKey: start,
        }),
      );
      const items = result.Items ?? [];
      for (let i = 0; i < items.length; i++) {
        const row = items[i] as Record<string, NativeAttributeValue>;
        out.push(alertOf(row));
        if (out.length === page.limit) {
          const more = i < items.length - 1 || result.LastEvaluatedKey !== undefined;
          return { items: out, nextCursor: more ? encodeCursor({ pk: row.pk, sk: row.sk }) : null };
        }
      }
      start = result.LastEvaluatedKey;
      if (!start) return { items: out, nextCursor: null };
    }
    return { items: out, nextCursor: encodeCursor(start) };
  }

  async acknowledge(tenantId: string, alertId: string, by: string, at: string): Promise<SignalAlert | null> {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: signalAlertKeys.alert(tenantId, alertId),
          UpdateExpression: 'SET #status = :ack, acknowledgedAt = :at, acknowledgedBy = :by',
          ConditionExpression: 'attribute_exists(pk) AND #status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':ack': 'acknowledged', ':open': 'open', ':at': at, ':by': by },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? alertOf(result.Attributes) : null;
    } catch (error) {
      // Already acknowledged (the first acknowledgement stands) or withdrawn: answer with the alert as it is.
      if (error instanceof ConditionalCheckFailedException) return this.get(tenantId, alertId);
      throw error;
    }
  }

  async withdraw(tenantId: string, alertId: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: signalAlertKeys.alert(tenantId, alertId),
          UpdateExpression: 'SET #status = :withdrawn, withdrawnAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND #status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':withdrawn': 'withdrawn', ':open': 'open', ':at': at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
