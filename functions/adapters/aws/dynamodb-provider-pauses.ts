import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '#shared/domain/workspace.ts';
import { PROVIDER_IDS, type ProviderId } from '#shared/ports/ai-provider.ts';
import type { ProviderPause, ProviderPauseStore } from '#shared/ports/provider-pauses.ts';

const partition = (tenantId: TenantId) => `${tenantId}#PROVIDERPAUSE`;

function toPause(item: Record<string, unknown> | undefined, now: Date): ProviderPause | null {
  if (!item || !PROVIDER_IDS.includes(item.provider as ProviderId)) return null;
  const resumesAt = typeof item.resumesAt === 'string' ? item.resumesAt : null;
  if (resumesAt && Date.parse(resumesAt) <= now.getTime()) return null;
  return {
    provider: item.provider as ProviderId,
    reason: String(item.reason ?? ''),
    code: typeof item.code === 'string' ? item.code : null,
    pausedAt: String(item.pausedAt ?? ''),
    resumesAt,
    runId: typeof item.runId === 'string' ? item.runId : null,
  };
}

/** Provider pauses of a workspace, one item per provider in the tenant's partition (expired ones read as none). */
export class DynamoDbProviderPauses implements ProviderPauseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(tenantId: TenantId, provider: ProviderId, now: Date) {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: partition(tenantId), sk: provider } }),
    );
    return toPause(Item, now);
  }

  async list(tenantId: TenantId, now: Date) {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition(tenantId) },
      }),
    );
    return (Items ?? []).map((item) => toPause(item, now)).filter((pause) => pause !== null);
  }

  async pause(tenantId: TenantId, pause: ProviderPause) {
    const expiresAt = pause.resumesAt ? Math.floor(Date.parse(pause.resumesAt) / 1000) + 86_400 : undefined;
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: partition(tenantId),
          sk: pause.provider,
          type: 'ProviderPause',
          ...pause,
          ...(expiresAt ? { expiresAt } : {}),
        },
      }),
    );
  }

  async resume(tenantId: TenantId, provider: ProviderId) {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: partition(tenantId), sk: provider } }));
  }
}
