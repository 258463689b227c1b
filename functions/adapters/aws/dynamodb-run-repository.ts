import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Answer, Run, RunItem } from '#shared/contracts/runs.ts';
import type { SpendCaps } from '#shared/contracts/workspace-settings.ts';
import { ConflictError, NotFoundError } from '#shared/domain/errors.ts';
import type { PlannedItem, UsageEstimate, UsageToDate } from '#shared/domain/runs.ts';
import { isTenantId, type TenantId } from '#shared/domain/workspace.ts';
import type { Page, PageRequest } from '#shared/ports/pagination.ts';
import type { ItemOutcome, RunRepository, UsageLedger } from '#shared/ports/runs.ts';
import { decodeCursor, encodeCursor, failedConditions, withoutKeys } from './dynamodb-support.ts';
import { runKeys } from './run-keys.ts';

type StoredRun = Omit<Run, 'errors'>;

function toStoredRun(item: Record<string, unknown>): StoredRun {
  const run = withoutKeys(item) as unknown as StoredRun;
  return { ...run, startedAt: run.startedAt ?? null, finishedAt: run.finishedAt ?? null };
}
const MAX_ERRORS_SHOWN = 50;

/** Runs, work items and answers in the single table. */
export class DynamoDbRunRepository implements RunRepository, UsageLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createRun(tenantId: TenantId, run: Run): Promise<void> {
    // Unset times are left out, not stored as NULL: `if_not_exists` treats a NULL attribute as present.
    const { errors: _errors, startedAt: _s, finishedAt: _f, ...stored } = run;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...runKeys.activeRunSlot(tenantId, run.brandId), type: 'ActiveRun', runId: run.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...runKeys.run(tenantId, run.id),
                  ...runKeys.activeIndex(tenantId, run.id),
                  type: 'Run',
                  ...stored,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(0)) {
        throw new ConflictError('A run of this brand is already in progress', {
          code: 'run_in_progress',
          cause: error,
        });
      }
      throw error;
    }
  }

  private async storedRun(tenantId: TenantId, runId: string): Promise<StoredRun | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: runKeys.run(tenantId, runId), ConsistentRead: true }),
    );
    return Item ? toStoredRun(Item) : null;
  }

  async getRunState(tenantId: TenantId, runId: string): Promise<Run | null> {
    const stored = await this.storedRun(tenantId, runId);
    return stored ? { ...stored, errors: [] } : null;
  }

  async getRun(tenantId: TenantId, runId: string): Promise<Run | null> {
    const stored = await this.storedRun(tenantId, runId);
    if (!stored) return null;
    const failed =
      stored.counts.failed > 0 ? await this.listItems(tenantId, runId, 'failed', { limit: MAX_ERRORS_SHOWN }) : null;
    return {
      ...stored,
      errors: (failed?.items ?? []).map((item) => ({
        itemId: item.itemId,
        provider: item.provider,
        model: item.model,
        promptId: item.promptId,
        error: item.error?.name ?? 'Error',
        message: item.error?.message ?? '',
        at: item.updatedAt,
      })),
    };
  }

  async listRuns(tenantId: TenantId, brandId: string | null, page: PageRequest): Promise<Page<Run>> {
    const pk = runKeys.runsPartition(tenantId);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ...(brandId ? { FilterExpression: 'brandId = :brand' } : {}),
        ExpressionAttributeValues: { ':pk': pk, ...(brandId ? { ':brand': brandId } : {}) },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, pk),
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => ({ ...toStoredRun(item), errors: [] })),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async putItems(
    tenantId: TenantId,
    runId: string,
    items: readonly PlannedItem[],
    now: string,
    fresh: boolean,
  ): Promise<void> {
    const record = (item: PlannedItem) => ({
      ...runKeys.item(tenantId, runId, item.itemId),
      type: 'RunItem',
      ...item,
      runId,
      status: 'pending',
      attempts: 0,
      answerId: null,
      error: null,
      updatedAt: now,
    });
    if (fresh) {
      const batches: PlannedItem[][] = [];
      for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
      const worker = async () => {
        for (let batch = batches.shift(); batch; batch = batches.shift()) {
          let requests = batch.map((item) => ({ PutRequest: { Item: record(item) } }));
          for (let attempt = 0; requests.length > 0; attempt++) {
            if (attempt > 8) throw new Error('DynamoDB kept leaving items unprocessed while planning the run');
            const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
            requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
            if (requests.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, batches.length) }, worker));
      return;
    }
    // Conditional puts: an item that exists keeps its status, so a re-plan never resets work.
    const queue = [...items];
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        await this.db
          .send(
            new PutCommand({
              TableName: this.tableName,
              Item: record(item),
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          )
          .catch((error: Error) => {
            if (error.name !== 'ConditionalCheckFailedException') throw error;
          });
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, items.length) }, worker));
  }

  async getItem(tenantId: TenantId, runId: string, itemId: string): Promise<RunItem | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: runKeys.item(tenantId, runId, itemId), ConsistentRead: true }),
    );
    return Item ? (withoutKeys(Item) as unknown as RunItem) : null;
  }

  async listItems(
    tenantId: TenantId,
    runId: string,
    status: RunItem['status'] | null,
    page: PageRequest,
  ): Promise<Page<RunItem>> {
    const pk = runKeys.itemsPartition(tenantId, runId);
    const items: RunItem[] = [];
    let start = decodeCursor(page.cursor, pk);
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ...(status
            ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
            : {}),
          ExpressionAttributeValues: { ':pk': pk, ...(status ? { ':status': status } : {}) },
          Limit: status ? 500 : page.limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of result.Items ?? []) {
        if (items.length < page.limit) items.push(withoutKeys(item) as unknown as RunItem);
      }
      start = result.LastEvaluatedKey;
      if (items.length >= page.limit) {
        const last = items[items.length - 1];
        start = last ? runKeys.item(tenantId, runId, last.itemId) : start;
        break;
      }
    } while (start);
    return { items, nextCursor: encodeCursor(start) };
  }

  async noteAttempt(tenantId: TenantId, runId: string, itemId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: runKeys.item(tenantId, runId, itemId),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  async completeItem(
    tenantId: TenantId,
    run: Pick<Run, 'id'>,
    item: RunItem,
    outcome: ItemOutcome,
    now: string,
  ): Promise<boolean> {
    const itemUpdate =
      outcome.status === 'succeeded'
        ? {
            expr: 'SET #status = :status, answerId = :answer, updatedAt = :now',
            values: { ':answer': outcome.answerId },
          }
        : outcome.status === 'failed'
          ? { expr: 'SET #status = :status, #error = :error, updatedAt = :now', values: { ':error': outcome.error } }
          : {
              expr: 'SET #status = :status, #error = :error, updatedAt = :now',
              values: { ':error': { name: 'Skipped', message: outcome.reason } },
            };
    const usage = outcome.status === 'succeeded' ? outcome.usage : { inputTokens: 0, outputTokens: 0 };
    const cost = outcome.status === 'succeeded' ? (outcome.costUsd ?? 0) : 0;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: runKeys.item(tenantId, run.id, item.itemId),
                UpdateExpression: itemUpdate.expr,
                ConditionExpression: '#status = :pending',
                ExpressionAttributeNames: {
                  '#status': 'status',
                  ...(outcome.status !== 'succeeded' ? { '#error': 'error' } : {}),
                },
                ExpressionAttributeValues: {
                  ':status': outcome.status,
                  ':pending': 'pending',
                  ':now': now,
                  ...itemUpdate.values,
                },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: runKeys.run(tenantId, run.id),
                UpdateExpression:
                  'ADD #counts.#outcome :one, #pp.#provider.#outcome :one, #usage.#in :in, #usage.#out :out, #usage.#usd :usd, version :one',
                ExpressionAttributeNames: {
                  '#counts': 'counts',
                  '#outcome': outcome.status,
                  '#pp': 'perProvider',
                  '#provider': item.provider,
                  '#usage': 'usage',
                  '#in': 'inputTokens',
                  '#out': 'outputTokens',
                  '#usd': 'costUsd',
                },
                ExpressionAttributeValues: {
                  ':one': 1,
                  ':in': usage.inputTokens,
                  ':out': usage.outputTokens,
                  ':usd': cost,
                },
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

  async markRunning(tenantId: TenantId, runId: string, now: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKeys.run(tenantId, runId),
          UpdateExpression: 'SET #status = :running, startedAt = if_not_exists(startedAt, :now) ADD version :one',
          ConditionExpression: '#status = :queued',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':now': now, ':one': 1 },
        }),
      )
      .catch((error: Error) => {
        if (error.name !== 'ConditionalCheckFailedException') throw error;
      });
  }

  async requestCancel(tenantId: TenantId, runId: string): Promise<Run> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKeys.run(tenantId, runId),
          UpdateExpression: 'SET cancelRequested = :yes ADD version :one',
          ConditionExpression: 'attribute_exists(pk) AND #status IN (:queued, :running)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':yes': true, ':one': 1, ':queued': 'queued', ':running': 'running' },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        const current = await this.getRun(tenantId, runId);
        if (!current) throw new NotFoundError('Run not found', { code: 'run_not_found' });
        throw new ConflictError(`The run has already finished (${current.status})`, { code: 'run_finished' });
      }
      throw error;
    }
    const run = await this.getRun(tenantId, runId);
    if (!run) throw new NotFoundError('Run not found', { code: 'run_not_found' });
    return run;
  }

  async finalize(tenantId: TenantId, run: Run, status: Run['status'], now: string): Promise<Run> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: runKeys.run(tenantId, run.id),
              UpdateExpression:
                'SET #status = :status, finishedAt = if_not_exists(finishedAt, :now) REMOVE gsi1pk, gsi1sk ADD version :one',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':status': status, ':now': now, ':one': 1 },
            },
          },
          {
            Delete: {
              TableName: this.tableName,
              Key: runKeys.activeRunSlot(tenantId, run.brandId),
              ConditionExpression: 'attribute_not_exists(pk) OR runId = :run',
              ExpressionAttributeValues: { ':run': run.id },
            },
          },
        ],
      }),
    );
    const finished = await this.getRun(tenantId, run.id);
    if (!finished) throw new NotFoundError('Run not found', { code: 'run_not_found' });
    return finished;
  }

  async listActiveRuns(): Promise<{ tenantId: TenantId; runId: string }[]> {
    const out: { tenantId: TenantId; runId: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :active',
          ExpressionAttributeValues: { ':active': 'ACTIVE_RUNS' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of result.Items ?? []) {
        const [tenantId, runId] = String(item.gsi1sk).split('#');
        if (isTenantId(tenantId) && runId) out.push({ tenantId, runId });
      }
      start = result.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async putAnswer(tenantId: TenantId, answer: Answer): Promise<void> {
    // Overwriting is harmless: the same item always produces the same answer record (same id, same S3 key).
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...runKeys.answer(tenantId, answer.answerId), type: 'Answer', ...answer },
      }),
    );
  }

  async getAnswer(tenantId: TenantId, answerId: string): Promise<Answer | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: runKeys.answer(tenantId, answerId) }),
    );
    return Item ? (withoutKeys(Item) as unknown as Answer) : null;
  }

  async setAnswerAnalysis(
    tenantId: TenantId,
    answerId: string,
    analysis: Answer['analysis'],
    status: Answer['analysisStatus'],
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: runKeys.answer(tenantId, answerId),
        UpdateExpression: 'SET analysis = :analysis, analysisStatus = :status',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':analysis': analysis, ':status': status },
      }),
    );
  }

  async usageToDate(tenantId: TenantId, now: Date): Promise<UsageToDate> {
    const iso = now.toISOString();
    const read = async (key: { pk: string; sk: string }): Promise<UsageEstimate> => {
      const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }));
      return { calls: Number(Item?.calls ?? 0), tokens: Number(Item?.tokens ?? 0), usd: Number(Item?.usd ?? 0) };
    };
    const [day, month] = await Promise.all([
      read(runKeys.usageDay(tenantId, iso.slice(0, 10))),
      read(runKeys.usageMonth(tenantId, iso.slice(0, 7))),
    ]);
    return { day, month };
  }

  async record(tenantId: TenantId, now: Date, usage: UsageEstimate): Promise<void> {
    const iso = now.toISOString();
    const add = (key: { pk: string; sk: string }, ttlDays: number) =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD calls :calls, tokens :tokens, usd :usd SET expiresAt = if_not_exists(expiresAt, :ttl)',
          ExpressionAttributeValues: {
            ':calls': usage.calls,
            ':tokens': usage.tokens,
            ':usd': usage.usd,
            ':ttl': Math.floor(now.getTime() / 1000) + ttlDays * 86400,
          },
        }),
      );
    await Promise.all([
      add(runKeys.usageDay(tenantId, iso.slice(0, 10)), 40),
      add(runKeys.usageMonth(tenantId, iso.slice(0, 7)), 400),
    ]);
  }

  async reserve(tenantId: TenantId, now: Date, estimate: UsageEstimate, caps: SpendCaps): Promise<boolean> {
    const iso = now.toISOString();
    const periods = [
      {
        key: runKeys.usageDay(tenantId, iso.slice(0, 10)),
        ttlDays: 40,
        calls: caps.callsPerDay,
        tokens: caps.tokensPerDay,
        usd: caps.usdPerDay,
      },
      {
        key: runKeys.usageMonth(tenantId, iso.slice(0, 7)),
        ttlDays: 400,
        calls: caps.callsPerMonth,
        tokens: caps.tokensPerMonth,
        usd: caps.usdPerMonth,
      },
    ];
    // A condition cannot add, so each cap becomes "used so far <= cap - needed".
    const room = periods.map((p) => ({
      ...p,
      calls: p.calls - estimate.calls,
      tokens: p.tokens - estimate.tokens,
      usd: p.usd - estimate.usd,
    }));
    if (room.some((p) => p.calls < 0 || p.tokens < 0 || p.usd < 0)) return false;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: room.map((p) => ({
            Update: {
              TableName: this.tableName,
              Key: p.key,
              UpdateExpression:
                'ADD calls :calls, tokens :tokens, usd :usd SET expiresAt = if_not_exists(expiresAt, :ttl)',
              ConditionExpression:
                '(attribute_not_exists(calls) OR calls <= :maxCalls) AND (attribute_not_exists(tokens) OR tokens <= :maxTokens) AND (attribute_not_exists(usd) OR usd <= :maxUsd)',
              ExpressionAttributeValues: {
                ':calls': estimate.calls,
                ':tokens': estimate.tokens,
                ':usd': estimate.usd,
                ':ttl': Math.floor(now.getTime() / 1000) + p.ttlDays * 86400,
                ':maxCalls': p.calls,
                ':maxTokens': p.tokens,
                ':maxUsd': p.usd,
              },
            },
          })),
        }),
      );
      return true;
    } catch (error) {
      if (failedConditions(error).length > 0) return false;
      throw error;
    }
  }

  async releaseReservation(
    tenantId: TenantId,
    runId: string,
    reservedAt: Date,
    estimate: UsageEstimate,
  ): Promise<void> {
    const iso = reservedAt.toISOString();
    const giveBack = (key: { pk: string; sk: string }) => ({
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD calls :calls, tokens :tokens, usd :usd',
        ExpressionAttributeValues: { ':calls': -estimate.calls, ':tokens': -estimate.tokens, ':usd': -estimate.usd },
      },
    });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // The run remembers that its reservation went back, so a retried finalize gives nothing back twice.
              Update: {
                TableName: this.tableName,
                Key: runKeys.run(tenantId, runId),
                UpdateExpression: 'SET reservationReleased = :yes',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(reservationReleased)',
                ExpressionAttributeValues: { ':yes': true },
              },
            },
            giveBack(runKeys.usageDay(tenantId, iso.slice(0, 10))),
            giveBack(runKeys.usageMonth(tenantId, iso.slice(0, 7))),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(0)) return;
      throw error;
    }
  }
}
