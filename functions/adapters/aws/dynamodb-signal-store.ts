import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertPost, SeriesSource, SignalFeedItem } from '#shared/contracts/signals.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { retentionExpiresAt } from '#shared/domain/retention.ts';
import { TABLE_SCHEMA } from '#shared/infra/resources.ts';
import type { Page, PageRequest } from '#shared/ports/pagination.ts';
import type { RetentionLookup } from '#shared/ports/retention.ts';
import type { SignalFeedFilter, SignalStore } from '#shared/ports/signals.ts';
import { type CollectionRow, SERIES_SOURCE_ALL, type SignalDayRow, type SignalFact } from '#shared/signals/rollups.ts';
import { countersOf, counterUpdate, decodeCursor, encodeCursor, failedConditions } from './dynamodb-support.ts';

/** Largest reach a sort key orders exactly (beyond it posts tie, which is harmless). */
const MAX_SORTED_REACH = 999_999_999_999_999;

/**
 * Keys of the signal aggregates (tenant-prefixed like every key). Day rows sort by day first, so a period is one
 * `BETWEEN` query; the feed sorts by publication time; top posts of a brand and day are ordered by their sort key
 * (reach descending, or sentiment ascending for the negative ones), so "top N" is a `Limit: N` query.
 */
export const signalKeys = {
  /** Idempotency marker of an applied signal (its own prefix: never shared with the answer rollups' markers). */
  marker: (tenantId: string, eventId: string) => ({ pk: `${tenantId}#SIGEVENT#${eventId}`, sk: 'EVENT' }),
  dayPartition: (tenantId: string, brandId: string) => `${tenantId}#SIGDAY#${brandId}`,
  day: (tenantId: string, brandId: string, day: string, source: string) => ({
    pk: `${tenantId}#SIGDAY#${brandId}`,
    sk: `DAY#${day}#SRC#${source}`,
  }),
  collectionPartition: (tenantId: string) => `${tenantId}#SIGCOLL`,
  collection: (tenantId: string, day: string, source: string) => ({
    pk: `${tenantId}#SIGCOLL`,
    sk: `DAY#${day}#SRC#${source}`,
  }),
  feedPartition: (tenantId: string) => `${tenantId}#SIGFEED`,
  feed: (tenantId: string, publishedAt: string, eventId: string) => ({
    pk: `${tenantId}#SIGFEED`,
    sk: `${publishedAt}#${eventId}`,
  }),
  topPartition: (tenantId: string, brandId: string, day: string) => `${tenantId}#SIGTOP#${brandId}#${day}`,
  topByReach: (source: string, reach: number, eventId: string) =>
    `${source}#R#${String(MAX_SORTED_REACH - Math.min(MAX_SORTED_REACH, Math.floor(reach))).padStart(15, '0')}#${eventId}`,
  /** Sentiment in [-1, 1] as 7 digits of (score + 1) × 10^6: ascending = most negative first. */
  topNegative: (source: string, score: number, eventId: string) =>
    `${source}#N#${String(Math.round((score + 1) * 1e6)).padStart(7, '0')}#${eventId}`,
} as const;

export interface DynamoDbSignalStoreOptions {
  /** How long an event marker is kept, in seconds. @default 8 days (beyond the stream's retention) */
  markerTtlSeconds?: number;
  /** Query rounds one feed page may take when filters skip many items. @default 10 */
  maxFeedReads?: number;
  now?: () => Date;
  /**
   * The workspace's retention of posts: feed items and top posts get the table's TTL attribute when it is not `keep`
   * (day counters are aggregates, not posts, and stay). @default - posts are kept
   */
  retention?: RetentionLookup;
}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** {@link SignalStore} on the single table: one transaction per signal (marker + counters + feed + top posts). */
export class DynamoDbSignalStore implements SignalStore {
  private readonly markerTtlSeconds: number;
  private readonly maxFeedReads: number;
  private readonly now: () => Date;
  private readonly retention: RetentionLookup | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbSignalStoreOptions = {},
  ) {
    this.markerTtlSeconds = options.markerTtlSeconds ?? 8 * 24 * 3600;
    this.maxFeedReads = options.maxFeedReads ?? 10;
    this.now = options.now ?? (() => new Date());
    this.retention = options.retention;
  }

  async apply(fact: SignalFact): Promise<'applied' | 'duplicate'> {
    const { tenantId, brandId, day, item } = fact;
    const now = this.now();
    const T = this.tableName;
    const sources = [item.source, SERIES_SOURCE_ALL];
    const postsExpireAt = this.retention
      ? retentionExpiresAt((await this.retention.of(tenantId)).posts, now)
      : undefined;
    const ttl = postsExpireAt === undefined ? {} : { [TABLE_SCHEMA.ttlAttribute]: postsExpireAt };
    const post = { ...postOf(item), type: 'SignalTopPost', ...ttl };
    const items: TransactItem[] = [
      {
        Put: {
          TableName: T,
          Item: {
            ...signalKeys.marker(tenantId, fact.eventId),
            type: 'SignalMarker',
            brandId,
            day,
            countedAt: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + this.markerTtlSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...sources.map(
        (source): TransactItem => ({
          Update: {
            TableName: T,
            Key: signalKeys.day(tenantId, brandId, day, source),
            ...counterUpdate(fact.counters, { type: 'SignalDay', day, source }),
          },
        }),
      ),
      ...sources.map(
        (source): TransactItem => ({
          Update: {
            TableName: T,
            Key: signalKeys.collection(tenantId, day, source),
            ...counterUpdate({ n: 1 }, { type: 'SignalCollection', day, source }),
          },
        }),
      ),
      {
        Put: {
          TableName: T,
          Item: {
            ...signalKeys.feed(tenantId, item.publishedAt, fact.eventId),
            type: 'SignalFeedItem',
            brandId,
            source: item.source,
            sentimentClass: item.sentiment.class,
            language: item.language,
            item,
            ...ttl,
          },
        },
      },
      ...sources.map(
        (source): TransactItem => ({
          Put: {
            TableName: T,
            Item: {
              pk: signalKeys.topPartition(tenantId, brandId, day),
              sk: signalKeys.topByReach(source, item.reach, fact.eventId),
              ...post,
            },
          },
        }),
      ),
    ];
    if (item.sentiment.class === 'negative') {
      for (const source of sources) {
        items.push({
          Put: {
            TableName: T,
            Item: {
              pk: signalKeys.topPartition(tenantId, brandId, day),
              sk: signalKeys.topNegative(source, item.sentiment.score, fact.eventId),
              ...post,
            },
          },
        });
      }
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'applied';
    } catch (error) {
      if (failedConditions(error).includes(0) || error instanceof ConditionalCheckFailedException) return 'duplicate';
      throw error;
    }
  }

  async readDays(tenantId: string, brandId: string, from: string, to: string): Promise<SignalDayRow[]> {
    const items = await this.queryAll(signalKeys.dayPartition(tenantId, brandId), `DAY#${from}`, `DAY#${to}#~`);
    return items.map((item) => ({
      day: String(item.day),
      source: String(item.source) as SeriesSource,
      counters: countersOf(item),
    }));
  }

  async readCollection(tenantId: string, from: string, to: string): Promise<CollectionRow[]> {
    const items = await this.queryAll(signalKeys.collectionPartition(tenantId), `DAY#${from}`, `DAY#${to}#~`);
    return items.map((item) => ({
      day: String(item.day),
      source: String(item.source) as SeriesSource,
      collected: countersOf(item).n ?? 0,
    }));
  }

  async topPosts(
    tenantId: string,
    brandId: string,
    source: SeriesSource,
    day: string,
    order: 'reach' | 'negative',
    limit: number,
  ): Promise<AlertPost[]> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': signalKeys.topPartition(tenantId, brandId, day),
          ':prefix': `${source}#${order === 'reach' ? 'R' : 'N'}#`,
        },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((i) => i.post as AlertPost);
  }

  async listFeed(tenantId: string, filter: SignalFeedFilter, page: PageRequest): Promise<Page<SignalFeedItem>> {
    return refusingForeignCursors(page.cursor, () => this.readFeed(tenantId, filter, page));
  }

  private async readFeed(tenantId: string, filter: SignalFeedFilter, page: PageRequest): Promise<Page<SignalFeedItem>> {
    const pk = signalKeys.feedPartition(tenantId);
    const names: Record<string, string> = {};
    const values: Record<string, NativeAttributeValue> = { ':pk': pk };
    const conditions: string[] = [];
    const equal = (attribute: string, value: string | undefined) => {
      if (value === undefined) return;
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      conditions.push(`#${attribute} = :${attribute}`);
    };
    equal('brandId', filter.brandId);
    equal('source', filter.source);
    equal('sentimentClass', filter.sentiment);
    equal('language', filter.language);
    let keyCondition = 'pk = :pk';
    if (filter.from || filter.to) {
      // Feed sort keys start with the ISO publication time: `from` at 00:00, `to` through the end of the day.
      values[':from'] = filter.from ?? '0000';
      values[':to'] = `${filter.to ?? '9999-12-31'}T~`;
      keyCondition += ' AND sk BETWEEN :from AND :to';
    }
    const out: SignalFeedItem[] = [];
    let start = decodeCursor(page.cursor, pk);
    for (let round = 0; round < this.maxFeedReads; round++) {
      const needed = page.limit - out.length;
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: keyCondition,
          ...(conditions.length ? { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          // Without filters every read item is returned, so read exactly what is missing; with filters read more.
          Limit: conditions.length ? Math.max(needed * 4, 100) : needed,
          ExclusiveStartKey: start,
        }),
      );
      const items = result.Items ?? [];
      for (let i = 0; i < items.length; i++) {
        const row = items[i] as Record<string, NativeAttributeValue>;
        out.push(row.item as SignalFeedItem);
        if (out.length === page.limit) {
          const more = i < items.length - 1 || result.LastEvaluatedKey !== undefined;
          return { items: out, nextCursor: more ? encodeCursor({ pk: row.pk, sk: row.sk }) : null };
        }
      }
      start = result.LastEvaluatedKey;
      if (!start) return { items: out, nextCursor: null };
    }
    // A short page: the filters matched little of what was read; the cursor continues where reading stopped.
    return { items: out, nextCursor: encodeCursor(start) };
  }

  private async queryAll(pk: string, from: string, to: string) {
    const out: Record<string, NativeAttributeValue>[] = [];
    let start: Record<string, NativeAttributeValue> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

/**
 * A cursor of the right partition but another query (other period or filters) makes DynamoDB refuse the start key
 * ("outside query boundaries"): that is the caller's bad cursor, a 400, not a server error.
 */
export async function refusingForeignCursors<T>(cursor: string | undefined, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (cursor && (error as Error)?.name === 'ValidationException') {
      throw new ValidationError('The page cursor does not belong to this query', { code: 'invalid_cursor' });
    }
    throw error;
  }
}

function postOf(item: SignalFeedItem): { post: AlertPost } {
  return {
    post: {
      id: item.id,
      source: item.source,
      url: item.url,
      author: item.author,
      title: item.title,
      excerpt: item.excerpt,
      publishedAt: item.publishedAt,
      reach: item.reach,
      sentiment: item.sentiment,
    },
  };
}
