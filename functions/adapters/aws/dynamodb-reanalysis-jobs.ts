import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReanalysisJob, ReanalysisStatus } from '#shared/contracts/reanalysis.ts';
import type { Page, PageRequest } from '#shared/ports/pagination.ts';
import type { ReanalysisChunkDelta, ReanalysisJobStore } from '#shared/ports/reanalysis.ts';
import { decodeCursor, encodeCursor, failedConditions } from './dynamodb-support.ts';

/**
 * Re-analysis jobs of a tenant in one partition: the jobs (`JOB#<jobId>`, ids are time-sortable), each brand's newest
 * job and generation (`LATEST#<brandId>`), the chunk markers that make progress exactly once (`CHUNK#...`, expiring
 * after 30 days) and the tenant's function time per day (`USAGE#<day>`, the budget).
 */
export const reanalysisKeys = {
  partition: (tenantId: string) => `${tenantId}#REANALYSIS`,
  job: (tenantId: string, jobId: string) => ({ pk: `${tenantId}#REANALYSIS`, sk: `JOB#${jobId}` }),
  latest: (tenantId: string, brandId: string) => ({ pk: `${tenantId}#REANALYSIS`, sk: `LATEST#${brandId}` }),
  chunk: (tenantId: string, jobId: string, chunkKey: string) => ({
    pk: `${tenantId}#REANALYSIS`,
    sk: `CHUNK#${jobId}#${chunkKey}`,
  }),
  usage: (tenantId: string, day: string) => ({ pk: `${tenantId}#REANALYSIS`, sk: `USAGE#${day}` }),
} as const;

const JOB_FIELDS = [
  'jobId',
  'brandId',
  'generation',
  'trigger',
  'status',
  'analyzerVersion',
  'configFingerprint',
  'configuredAt',
  'total',
  'done',
  'rescored',
  'unchanged',
  'skipped',
  'lambdaMs',
  'supersededBy',
  'startedAt',
  'finishedAt',
] as const;

function jobOf(item: Record<string, NativeAttributeValue>): ReanalysisJob {
  const out: Record<string, unknown> = {};
  for (const k of JOB_FIELDS) out[k] = item[k] ?? null;
  return out as ReanalysisJob;
}

const CHUNK_MARKER_TTL_S = 30 * 86_400;

/** {@link ReanalysisJobStore} on the single table. */
export class DynamoDbReanalysisJobs implements ReanalysisJobStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async start(
    tenantId: string,
    draft: Omit<ReanalysisJob, 'generation'>,
  ): Promise<{ job: ReanalysisJob; superseded: string | null }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const { Item } = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: reanalysisKeys.latest(tenantId, draft.brandId),
          ConsistentRead: true,
        }),
      );
      const previous = Item ? { jobId: String(Item.jobId), generation: Number(Item.generation) } : null;
      const job: ReanalysisJob = { ...draft, generation: (previous?.generation ?? 0) + 1 };
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...reanalysisKeys.latest(tenantId, draft.brandId),
                    type: 'ReanalysisLatest',
                    jobId: job.jobId,
                    generation: job.generation,
                  },
                  ConditionExpression: previous ? 'generation = :prev' : 'attribute_not_exists(pk)',
                  ...(previous ? { ExpressionAttributeValues: { ':prev': previous.generation } } : {}),
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...reanalysisKeys.job(tenantId, job.jobId), type: 'ReanalysisJob', ...job },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (failedConditions(error).length > 0) continue; // Another job started meanwhile: read again.
        throw error;
      }
      let superseded: string | null = null;
      if (previous) {
        try {
          await this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: reanalysisKeys.job(tenantId, previous.jobId),
              UpdateExpression: 'SET #status = :superseded, supersededBy = :by, finishedAt = :at',
              ConditionExpression: '#status = :running',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':superseded': 'superseded',
                ':by': job.jobId,
                ':at': draft.startedAt,
                ':running': 'running',
              },
            }),
          );
          superseded = previous.jobId;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      return { job, superseded };
    }
    throw new Error('Could not start the re-analysis job: the brand kept changing');
  }

  async latest(tenantId: string, brandId: string): Promise<string | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: reanalysisKeys.latest(tenantId, brandId),
        ConsistentRead: true,
      }),
    );
    return Item ? String(Item.jobId) : null;
  }

  async get(tenantId: string, jobId: string): Promise<ReanalysisJob | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: reanalysisKeys.job(tenantId, jobId), ConsistentRead: true }),
    );
    return Item ? jobOf(Item) : null;
  }

  async setTotal(tenantId: string, jobId: string, total: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: reanalysisKeys.job(tenantId, jobId),
        UpdateExpression: 'SET #total = :total',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#total': 'total' },
        ExpressionAttributeValues: { ':total': total },
      }),
    );
  }

  async recordChunk(
    tenantId: string,
    jobId: string,
    chunkKey: string,
    day: string,
    delta: ReanalysisChunkDelta,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#done': 'done' };
    const values: Record<string, unknown> = {
      ':done': delta.done,
      ':rescored': delta.rescored,
      ':unchanged': delta.unchanged,
      ':ms': Math.round(delta.lambdaMs),
    };
    const sets = [
      '#done = #done + :done',
      'rescored = rescored + :rescored',
      '#unchanged = #unchanged + :unchanged',
      'lambdaMs = lambdaMs + :ms',
    ];
    names['#unchanged'] = 'unchanged';
    // DynamoDB refuses names and values the expression does not use: the skip map's only when something was skipped.
    Object.entries(delta.skipped).forEach(([reason, n], i) => {
      names['#skipped'] = 'skipped';
      values[':zero'] = 0;
      names[`#r${i}`] = reason;
      values[`:r${i}`] = n;
      sets.push(`#skipped.#r${i} = if_not_exists(#skipped.#r${i}, :zero) + :r${i}`);
    });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...reanalysisKeys.chunk(tenantId, jobId, chunkKey),
                  type: 'ReanalysisChunk',
                  expiresAt: Math.floor(Date.now() / 1000) + CHUNK_MARKER_TTL_S,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: reanalysisKeys.job(tenantId, jobId),
                UpdateExpression: `SET ${sets.join(', ')}`,
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: reanalysisKeys.usage(tenantId, day),
                UpdateExpression: 'SET #type = :type ADD ms :ms',
                ExpressionAttributeNames: { '#type': 'type' },
                ExpressionAttributeValues: { ':type': 'ReanalysisUsage', ':ms': Math.round(delta.lambdaMs) },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (failedConditions(error).includes(0)) return false;
      throw error;
    }
  }

  async usageMs(tenantId: string, day: string): Promise<number> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: reanalysisKeys.usage(tenantId, day) }),
    );
    return Number(Item?.ms ?? 0);
  }

  async finish(
    tenantId: string,
    jobId: string,
    status: Exclude<ReanalysisStatus, 'running'>,
    at: string,
  ): Promise<ReanalysisJob | null> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reanalysisKeys.job(tenantId, jobId),
          UpdateExpression: 'SET #status = :status, finishedAt = :at',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':at': at, ':running': 'running' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return this.get(tenantId, jobId);
  }

  async list(tenantId: string, brandId: string | null, page: PageRequest): Promise<Page<ReanalysisJob>> {
    const pk = reanalysisKeys.partition(tenantId);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :job)',
        ...(brandId ? { FilterExpression: 'brandId = :brand' } : {}),
        ExpressionAttributeValues: { ':pk': pk, ':job': 'JOB#', ...(brandId ? { ':brand': brandId } : {}) },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, pk),
      }),
    );
    return { items: (result.Items ?? []).map(jobOf), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }
}
