import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  chunkRollupEntries,
  deltaEntry,
  itemCounters,
  type MergedRollupItem,
  mergeRollupEntries,
  type RollupDelta,
  type RollupDims,
  type RollupEntry,
  type RollupGranularity,
} from '#shared/events/rollups.ts';
import type { RollupBatchOutcome, RollupCell, RollupStore, RollupTotal } from '#shared/ports/rollups.ts';
import { countersOf, counterUpdate, failedConditions } from './dynamodb-support.ts';

const pad = (n: number) => String(n).padStart(9, '0');

/**
 * Keys of the metric rollups (tenant-prefixed like every key). Fine cells sort by day first, so a period is one
 * `BETWEEN` query; day totals live in their own partition so the overview reads one item per day.
 */
export const rollupKeys = {
  cellPartition: (tenantId: string, brandId: string) => `${tenantId}#ROLLUP#${brandId}`,
  cell: (tenantId: string, brandId: string, d: RollupDims) => ({
    pk: `${tenantId}#ROLLUP#${brandId}`,
    sk: `DAY#${d.day}${cellSuffix(d)}`,
  }),
  /** ISO-week cells share the day cells' partition, under `WEEK#`. */
  weekCell: (tenantId: string, brandId: string, week: string, d: RollupDims) => ({
    pk: `${tenantId}#ROLLUP#${brandId}`,
    sk: `WEEK#${week}${cellSuffix(d)}`,
  }),
  dayPartition: (tenantId: string, brandId: string) => `${tenantId}#ROLLUP#${brandId}#DAY`,
  day: (tenantId: string, brandId: string, day: string) => ({
    pk: `${tenantId}#ROLLUP#${brandId}#DAY`,
    sk: `DAY#${day}`,
  }),
  weekPartition: (tenantId: string, brandId: string) => `${tenantId}#ROLLUP#${brandId}#WEEK`,
  week: (tenantId: string, brandId: string, week: string) => ({
    pk: `${tenantId}#ROLLUP#${brandId}#WEEK`,
    sk: `WEEK#${week}`,
  }),
  /** Idempotency marker of a counted event (expires after the stream's maximum retention plus a margin). */
  eventMarker: (tenantId: string, eventId: string) => ({ pk: `${tenantId}#EVENT#${eventId}`, sk: `EVENT#${eventId}` }),
} as const;

function cellSuffix(d: RollupDims): string {
  return `#V#${pad(d.promptSetVersion)}#P#${d.provider}#S#${d.surface}#T#${d.topic}#B#${d.branded ? 1 : 0}`;
}

/** DynamoDB's limit on the actions of one `TransactWriteItems`. */
export const MAX_TRANSACTION_ITEMS = 100;

export interface DynamoDbRollupStoreOptions {
  /** How long an event marker is kept, in seconds. @default 8 days (Kinesis retention is at most 7 days by default settings here) */
  markerTtlSeconds?: number;
  /** Actions per transaction (markers + items). @default 100 (DynamoDB's maximum) */
  maxTransactionItems?: number;
  now?: () => Date;
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/**
 * {@link RollupStore} on the single table. A batch is cut into consecutive chunks; each chunk is ONE transaction
 * holding a conditional marker per event plus one `ADD` update per touched item (day/week cell, day/week total),
 * with the chunk's deltas merged in memory. So 100 events of a run cost a few transactions instead of 100, and the
 * marker and the counters of an event still commit together.
 */
export class DynamoDbRollupStore implements RollupStore {
  private readonly markerTtlSeconds: number;
  private readonly maxItems: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbRollupStoreOptions = {},
  ) {
    this.markerTtlSeconds = options.markerTtlSeconds ?? 8 * 24 * 3600;
    this.maxItems = Math.min(MAX_TRANSACTION_ITEMS, options.maxTransactionItems ?? MAX_TRANSACTION_ITEMS);
    this.now = options.now ?? (() => new Date());
  }

  async apply(eventId: string, delta: RollupDelta): Promise<'applied' | 'duplicate'> {
    const outcome = await this.applyBatch([deltaEntry(eventId, delta)]);
    if (outcome.failed) throw outcome.failed.error;
    return outcome.applied === 1 ? 'applied' : 'duplicate';
  }

  async applyBatch(entries: readonly RollupEntry[]): Promise<RollupBatchOutcome> {
    // The same id twice in one batch: the first counts, the rest are duplicates (a transaction may not name an item twice).
    const seen = new Set<string>();
    const firstOccurrence: boolean[] = entries.map((e) => {
      const key = `${e.tenantId}#${e.eventId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const indexOf = new Map<RollupEntry, number>();
    const unique: RollupEntry[] = [];
    entries.forEach((entry, index) => {
      if (!firstOccurrence[index]) return;
      indexOf.set(entry, index);
      unique.push(entry);
    });
    let applied = 0;
    let storedDuplicates = 0;
    const duplicatesBefore = (index: number) => firstOccurrence.slice(0, index).filter((first) => !first).length;
    for (const chunk of chunkRollupEntries(unique, this.maxItems)) {
      try {
        const outcome = await this.writeChunk(chunk);
        applied += outcome.applied;
        storedDuplicates += outcome.duplicates;
      } catch (error) {
        const index = indexOf.get(chunk[0] as RollupEntry) as number;
        return {
          applied,
          duplicates: storedDuplicates + duplicatesBefore(index),
          failed: { index, error: error as Error },
        };
      }
    }
    return { applied, duplicates: storedDuplicates + duplicatesBefore(entries.length) };
  }

  /**
   * One transaction for the chunk. When markers fail their condition (events counted before: a replay), those
   * events are dropped and the rest is merged and written again; any other error propagates (nothing committed).
   */
  private async writeChunk(chunk: readonly RollupEntry[]): Promise<{ applied: number; duplicates: number }> {
    let pending = [...chunk];
    let duplicates = 0;
    while (pending.length > 0) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: this.transactionFor(pending) }));
        return { applied: pending.length, duplicates };
      } catch (error) {
        const counted = new Set(failedConditions(error).filter((i) => i < pending.length));
        if (counted.size === 0) throw error;
        duplicates += counted.size;
        pending = pending.filter((_, i) => !counted.has(i));
      }
    }
    return { applied: 0, duplicates };
  }

  /** Markers first (their index = the entry's index in `entries`), then one update per merged item. */
  private transactionFor(entries: readonly RollupEntry[]): TransactItems {
    const countedAt = this.now().toISOString();
    const expiresAt = Math.floor(this.now().getTime() / 1000) + this.markerTtlSeconds;
    const items: TransactItems = entries.map((entry) => ({
      Put: {
        TableName: this.tableName,
        Item: {
          ...rollupKeys.eventMarker(entry.tenantId, entry.eventId),
          type: 'EventMarker',
          brandId: entry.brandId,
          day: entry.day,
          countedAt,
          expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    for (const item of mergeRollupEntries(entries)) items.push({ Update: this.updateFor(item) });
    return items;
  }

  /** The `ADD` update of one merged item (key, descriptive attributes, counters). */
  private updateFor(item: MergedRollupItem) {
    const { tenantId, brandId, period, dims } = item;
    const weekly = item.granularity === 'week';
    const key = dims
      ? weekly
        ? rollupKeys.weekCell(tenantId, brandId, period, dims)
        : rollupKeys.cell(tenantId, brandId, dims)
      : weekly
        ? rollupKeys.week(tenantId, brandId, period)
        : rollupKeys.day(tenantId, brandId, period);
    const descriptive: Record<string, unknown> = dims
      ? {
          type: weekly ? 'RollupWeekCell' : 'RollupCell',
          ...(weekly ? { week: period } : {}),
          day: dims.day,
          promptSetVersion: dims.promptSetVersion,
          provider: dims.provider,
          surface: dims.surface,
          topic: dims.topic,
          branded: dims.branded,
        }
      : weekly
        ? { type: 'RollupWeek', week: period }
        : { type: 'RollupDay', day: period };
    return { TableName: this.tableName, Key: key, ...counterUpdate(itemCounters(item), descriptive) };
  }

  /**
   * Backfill: adds already-merged items WITHOUT event markers, `concurrency` updates at a time. For rebuilding rollups
   * from the lake into empty items, or loading a benchmark's synthetic year; NOT idempotent (running it twice counts
   * twice), so the stream consumer never uses it.
   */
  async addMergedItems(items: readonly MergedRollupItem[], concurrency = 16): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, items.length) }, async () => {
        while (next < items.length) {
          const item = items[next++] as MergedRollupItem;
          await this.db.send(new UpdateCommand(this.updateFor(item)));
        }
      }),
    );
  }

  async readCells(
    tenantId: string,
    brandId: string,
    from: string,
    to: string,
    granularity: RollupGranularity = 'day',
  ): Promise<RollupCell[]> {
    const prefix = granularity === 'week' ? 'WEEK' : 'DAY';
    const items = await this.queryPeriods(rollupKeys.cellPartition(tenantId, brandId), prefix, from, to);
    return items.map((item) => ({
      period: String(granularity === 'week' ? item.week : item.day),
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
    const items = await this.queryPeriods(rollupKeys.dayPartition(tenantId, brandId), 'DAY', from, to);
    return items.map((item) => ({ day: String(item.day), counters: countersOf(item) }));
  }

  async readWeeks(tenantId: string, brandId: string, from: string, to: string): Promise<RollupTotal[]> {
    const items = await this.queryPeriods(rollupKeys.weekPartition(tenantId, brandId), 'WEEK', from, to);
    return items.map((item) => ({ period: String(item.week), counters: countersOf(item) }));
  }

  private async queryPeriods(pk: string, prefix: 'DAY' | 'WEEK', from: string, to: string) {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': `${prefix}#${from}`, ':to': `${prefix}#${to}#~` },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
