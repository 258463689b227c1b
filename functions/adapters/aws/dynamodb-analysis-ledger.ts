import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '#shared/ports/pagination.ts';
import type {
  AnalysedBrand,
  AnalysisConfigSnapshot,
  AnalysisLedger,
  AnalysisRecord,
  AnalysisSpan,
} from '#shared/ports/reanalysis.ts';
import { decodeCursor, encodeCursor } from './dynamodb-support.ts';

/**
 * A brand's analysis ledger in the single table: one item per answer (`A#<day>#<answerId>`, so a week is one key
 * range), the configuration snapshots (`CONFIG#<fingerprint>`) and the brand's state (`STATE`), whose gsi1 entry
 * lets the scheduled sweep find every analysed brand without a scan (the primary keys stay tenant-prefixed).
 */
export const analysisKeys = {
  partition: (tenantId: string, brandId: string) => `${tenantId}#ANALYSIS#${brandId}`,
  record: (tenantId: string, brandId: string, day: string, answerId: string) => ({
    pk: `${tenantId}#ANALYSIS#${brandId}`,
    sk: `A#${day}#${answerId}`,
  }),
  config: (tenantId: string, brandId: string, fingerprint: string) => ({
    pk: `${tenantId}#ANALYSIS#${brandId}`,
    sk: `CONFIG#${fingerprint}`,
  }),
  state: (tenantId: string, brandId: string) => ({
    pk: `${tenantId}#ANALYSIS#${brandId}`,
    sk: 'STATE',
    gsi1pk: 'ANALYSED#BRANDS',
    gsi1sk: `${tenantId}#${brandId}`,
  }),
} as const;

const RECORD_FIELDS = [
  'answerId',
  'runId',
  'brandId',
  'promptId',
  'rawKey',
  'cell',
  'revision',
  'analyzerVersion',
  'configFingerprint',
  'configuredAt',
  'counters',
  'mentioned',
  'jobId',
  'pendingCorrection',
] as const;

function recordOf(item: Record<string, NativeAttributeValue>): AnalysisRecord {
  const out: Record<string, unknown> = {};
  for (const k of RECORD_FIELDS) out[k] = item[k] ?? null;
  return out as unknown as AnalysisRecord;
}

/** {@link AnalysisLedger} on the single table. */
export class DynamoDbAnalysisLedger implements AnalysisLedger {
  /** Brands whose state item this container already wrote (one write per brand, not per answer). */
  private readonly knownBrands = new Set<string>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordFirst(tenantId: string, record: AnalysisRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...analysisKeys.record(tenantId, record.brandId, record.cell.day, record.answerId),
            type: 'AnalysisRecord',
            ...record,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR revision = :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const known = `${tenantId}|${record.brandId}`;
    if (this.knownBrands.has(known)) return;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...analysisKeys.state(tenantId, record.brandId),
            type: 'AnalysisState',
            tenantId,
            brandId: record.brandId,
            analyzerVersion: record.analyzerVersion,
            configFingerprint: record.configFingerprint,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    this.knownBrands.add(known);
  }

  async get(tenantId: string, brandId: string, day: string, answerId: string): Promise<AnalysisRecord | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: analysisKeys.record(tenantId, brandId, day, answerId),
        ConsistentRead: true,
      }),
    );
    return Item ? recordOf(Item) : null;
  }

  async list(
    tenantId: string,
    brandId: string,
    from: string,
    to: string,
    page: PageRequest,
  ): Promise<Page<AnalysisRecord>> {
    const pk = analysisKeys.partition(tenantId, brandId);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': `A#${from}#`, ':to': `A#${to}#\uffff` },
        Limit: page.limit,
        ConsistentRead: true,
        ExclusiveStartKey: decodeCursor(page.cursor, pk),
      }),
    );
    return { items: (result.Items ?? []).map(recordOf), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async span(tenantId: string, brandId: string): Promise<AnalysisSpan> {
    const pk = analysisKeys.partition(tenantId, brandId);
    const query = (forward: boolean) =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
          ExpressionAttributeValues: { ':pk': pk, ':a': 'A#' },
          ProjectionExpression: 'sk',
          ScanIndexForward: forward,
          Limit: 1,
        }),
      );
    const [first, last] = await Promise.all([query(true), query(false)]);
    const dayOf = (items: Record<string, NativeAttributeValue>[] | undefined) =>
      items?.[0] ? String(items[0].sk).slice(2, 12) : null;
    let count = 0;
    let start: Record<string, NativeAttributeValue> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
          ExpressionAttributeValues: { ':pk': pk, ':a': 'A#' },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return { count, firstDay: dayOf(first.Items), lastDay: dayOf(last.Items) };
  }

  async advance(tenantId: string, next: AnalysisRecord, expectedRevision: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...analysisKeys.record(tenantId, next.brandId, next.cell.day, next.answerId),
            type: 'AnalysisRecord',
            ...next,
          },
          ConditionExpression: 'revision = :expected',
          ExpressionAttributeValues: { ':expected': expectedRevision },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async clearPending(
    tenantId: string,
    r: Pick<AnalysisRecord, 'brandId' | 'cell' | 'answerId' | 'revision'>,
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: analysisKeys.record(tenantId, r.brandId, r.cell.day, r.answerId),
          UpdateExpression: 'SET pendingCorrection = :null',
          ConditionExpression: 'revision = :revision',
          ExpressionAttributeValues: { ':null': null, ':revision': r.revision },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async putConfig(tenantId: string, brandId: string, snapshot: AnalysisConfigSnapshot): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...analysisKeys.config(tenantId, brandId, snapshot.fingerprint), type: 'AnalysisConfig', ...snapshot },
      }),
    );
  }

  async getConfig(tenantId: string, brandId: string, fingerprint: string): Promise<AnalysisConfigSnapshot | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: analysisKeys.config(tenantId, brandId, fingerprint) }),
    );
    if (!Item) return null;
    return {
      fingerprint: Item.fingerprint,
      analyzerVersion: Item.analyzerVersion,
      configuredAt: Item.configuredAt,
      entities: Item.entities,
    };
  }

  async listBrands(page: PageRequest): Promise<Page<AnalysedBrand>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'ANALYSED#BRANDS' },
        Limit: page.limit,
        ExclusiveStartKey: page.cursor ? JSON.parse(Buffer.from(page.cursor, 'base64url').toString('utf8')) : undefined,
      }),
    );
    return {
      items: (result.Items ?? []).map((i) => ({
        tenantId: String(i.tenantId),
        brandId: String(i.brandId),
        analyzerVersion: String(i.analyzerVersion),
        configFingerprint: String(i.configFingerprint),
      })),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async markBrand(brand: AnalysedBrand): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...analysisKeys.state(brand.tenantId, brand.brandId), type: 'AnalysisState', ...brand },
      }),
    );
  }
}
