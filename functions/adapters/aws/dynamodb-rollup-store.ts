import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { RollupCounters, RollupDelta, RollupDims } from '#shared/events/rollups.ts';
import type { RollupCell, RollupStore } from '#shared/ports/rollups.ts';
import { failedConditions } from './dynamodb-support.ts';

const pad = (n: number) => String(n).padStart(9, '0');
/** Counter attributes carry this prefix so they never collide with keys or dimension attributes. */
const COUNTER = 'c#';

/**
 * Keys of the metric rollups (tenant-prefixed like every key). Fine cells sort by day first, so a period is one
 * `BETWEEN` query; day totals live in their own partition so the overview reads one item per day.
 */
export const rollupKeys = {
  cellPartition: (tenantId: string, brandId: string) => `${tenantId}#ROLLUP#${brandId}`,
  cell: (tenantId: string, brandId: string, d: RollupDims) => ({
    pk: `${tenantId}#ROLLUP#${brandId}`,
    sk: `DAY#${d.day}#V#${pad(d.promptSetVersion)}#P#${d.provider}#S#${d.surface}#T#${d.topic}#B#${d.branded ? 1 : 0}`,
  }),
  dayPartition: (tenantId: string, brandId: string) => `${tenantId}#ROLLUP#${brandId}#DAY`,
  day: (tenantId: string, brandId: string, day: string) => ({
    pk: `${tenantId}#ROLLUP#${brandId}#DAY`,
    sk: `DAY#${day}`,
  }),
  /** Idempotency marker of a counted event (expires after the stream's maximum retention plus a margin). */
  eventMarker: (tenantId: string, eventId: string) => ({ pk: `${tenantId}#EVENT#${eventId}`, sk: `EVENT#${eventId}` }),
} as const;

export interface DynamoDbRollupStoreOptions {
  /** How long an event marker is kept, in seconds. @default 8 days (Kinesis retention is at most 7 days by default settings here) */
  markerTtlSeconds?: number;
  now?: () => Date;
}

/** {@link RollupStore} on the single table: one transaction per event = marker + fine cell + day total. */
export class DynamoDbRollupStore implements RollupStore {
  private readonly markerTtlSeconds: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbRollupStoreOptions = {},
  ) {
    this.markerTtlSeconds = options.markerTtlSeconds ?? 8 * 24 * 3600;
    this.now = options.now ?? (() => new Date());
  }

  async apply(eventId: string, delta: RollupDelta): Promise<'applied' | 'duplicate'> {
    const { tenantId, brandId } = delta;
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...rollupKeys.eventMarker(tenantId, eventId),
            type: 'EventMarker',
            brandId,
            day: delta.day,
            countedAt: this.now().toISOString(),
            expiresAt: Math.floor(this.now().getTime() / 1000) + this.markerTtlSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    if (delta.cell) {
      const d = delta.cell;
      items.push({
        Update: {
          TableName: this.tableName,
          Key: rollupKeys.cell(tenantId, brandId, d),
          ...counterUpdate(delta.counters, {
            type: 'RollupCell',
            day: d.day,
            promptSetVersion: d.promptSetVersion,
            provider: d.provider,
            surface: d.surface,
            topic: d.topic,
            branded: d.branded,
          }),
        },
      });
    }
    items.push({
      Update: {
        TableName: this.tableName,
        Key: rollupKeys.day(tenantId, brandId, delta.day),
        ...counterUpdate(delta.counters, { type: 'RollupDay', day: delta.day }),
      },
    });
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'applied';
    } catch (error) {
      if (failedConditions(error).includes(0)) return 'duplicate';
      throw error;
    }
  }

  async readCells(tenantId: string, brandId: string, from: string, to: string): Promise<RollupCell[]> {
    const items = await this.queryDays(rollupKeys.cellPartition(tenantId, brandId), from, to);
    return items.map((item) => ({
      dims: {
        day: String(item.day),
        promptSetVersion: Number(item.promptSetVersion),
        provider: String(item.provider),
        surface: String(item.surface),
        topic: String(item.topic),
        branded: item.branded === true,
      },
      counters: countersOf(item),
    }));
  }

  async readDays(tenantId: string, brandId: string, from: string, to: string) {
    const items = await this.queryDays(rollupKeys.dayPartition(tenantId, brandId), from, to);
    return items.map((item) => ({ day: String(item.day), counters: countersOf(item) }));
  }

  private async queryDays(pk: string, from: string, to: string) {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': `DAY#${from}`, ':to': `DAY#${to}#~` },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

function countersOf(item: Record<string, unknown>): RollupCounters {
  const counters: RollupCounters = {};
  for (const [k, v] of Object.entries(item))
    if (k.startsWith(COUNTER) && typeof v === 'number') counters[k.slice(2)] = v;
  return counters;
}

/** `SET` the (idempotent) descriptive attributes, `ADD` every counter. Placeholders are short: the expression is capped at 4 KB. */
function counterUpdate(counters: RollupCounters, set: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const adds: string[] = [];
  let i = 0;
  for (const [k, v] of Object.entries(set)) {
    const id = (i++).toString(36);
    names[`#${id}`] = k;
    values[`:${id}`] = v;
    sets.push(`#${id} = :${id}`);
  }
  for (const [k, v] of Object.entries(counters)) {
    const id = (i++).toString(36);
    names[`#${id}`] = `${COUNTER}${k}`;
    values[`:${id}`] = v;
    adds.push(`#${id} :${id}`);
  }
  const expression = `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`;
  if (expression.length > 4096) throw new Error(`Rollup update expression too long (${expression.length} bytes)`);
  return { UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}
