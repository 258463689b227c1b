import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Connector, SKIP_REASONS, type SkipCounts } from '#shared/contracts/connectors.ts';
import { NotFoundError, PreconditionFailedError } from '#shared/domain/errors.ts';
import { isTenantId, type TenantId } from '#shared/domain/workspace.ts';
import type { AuditRecord } from '#shared/ports/audit.ts';
import type { Page, PageRequest } from '#shared/ports/pagination.ts';
import { isSealedSecret, type SecretSealer } from '#shared/ports/secret-sealer.ts';
import type { ConnectorProgress, ConnectorRepository, WebhookSecret } from '#shared/ports/signal-connector.ts';
import { auditPut, decodeCursor, encodeCursor, failedConditions, withoutKeys } from './dynamodb-support.ts';

/**
 * Connector keys. The item lives in the tenant's partition (`<tenantId>#CONNECTOR`); gsi1 holds either the due index
 * of an active pull connector (`CONNECTOR_DUE` / `<nextRunAt>#<tenantId>#<connectorId>`, what the scheduler reads
 * across tenants, like the brand schedules) or, for a webhook connector, its lookup by id (`WEBHOOK#<connectorId>`:
 * the signed request names the connector only; the tenant comes from the stored item, never from the request).
 */
export const connectorKeys = {
  partition: (tenantId: TenantId) => `${tenantId}#CONNECTOR`,
  connector: (tenantId: TenantId, connectorId: string) => ({
    pk: `${tenantId}#CONNECTOR`,
    sk: `CONNECTOR#${connectorId}`,
  }),
  prefix: 'CONNECTOR#',
  duePartition: 'CONNECTOR_DUE',
  due: (tenantId: TenantId, connectorId: string, nextRunAt: string) => ({
    gsi1pk: 'CONNECTOR_DUE',
    gsi1sk: `${nextRunAt}#${tenantId}#${connectorId}`,
  }),
  webhook: (connectorId: string) => ({ gsi1pk: `WEBHOOK#${connectorId}`, gsi1sk: 'CONNECTOR' }),
} as const;

/** Attributes stored on the item but never part of the API view. */
const INTERNAL = ['cursor', 'secrets', 'tenantId'] as const;
const SKIP_PREFIX = 'skip_';
const EDITABLE = [
  'name',
  'intervalMinutes',
  'config',
  'status',
  'statusMessage',
  'nextRunAt',
  'consecutiveFailures',
  'updatedAt',
  'version',
] as const satisfies readonly (keyof Connector)[];

function indexFor(tenantId: TenantId, connector: Connector) {
  if (connector.source === 'webhook') return connectorKeys.webhook(connector.id);
  if (connector.status === 'active' || connector.status === 'backing_off') {
    return connector.nextRunAt ? connectorKeys.due(tenantId, connector.id, connector.nextRunAt) : {};
  }
  return {};
}

/** Item → API view: internal attributes out, skip counters folded into `skipped`. */
function toConnector(item: Record<string, unknown>): Connector {
  const view = withoutKeys(item) as Record<string, unknown>;
  const skipped: SkipCounts = {};
  for (const reason of SKIP_REASONS) {
    const n = view[`${SKIP_PREFIX}${reason}`];
    if (typeof n === 'number' && n > 0) skipped[reason] = n;
    delete view[`${SKIP_PREFIX}${reason}`];
  }
  for (const key of INTERNAL) delete view[key];
  return { ...(view as unknown as Connector), skipped };
}

/** The stored item of a connector: counters live in their own attributes so pages can `ADD` to them. */
function toItem(tenantId: TenantId, connector: Connector) {
  const { skipped, ...rest } = connector;
  const counters = Object.fromEntries(Object.entries(skipped).map(([k, v]) => [`${SKIP_PREFIX}${k}`, v]));
  return {
    ...connectorKeys.connector(tenantId, connector.id),
    ...indexFor(tenantId, connector),
    type: 'Connector',
    tenantId,
    ...rest,
    ...counters,
  };
}

const stale = () =>
  new PreconditionFailedError('The connector was changed by someone else; reload and try again', {
    code: 'stale_version',
  });
const notFound = () => new NotFoundError('Connector not found', { code: 'connector_not_found' });

export class DynamoDbConnectorRepository implements ConnectorRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Seals webhook secrets before they are stored (KMS envelope, bound to the tenant); null stores them as given. */
    private readonly sealer: SecretSealer | null = null,
  ) {}

  /** A webhook secret as stored: `{id, createdAt, sealed}` with a sealer, else as given. */
  private async stored(tenantId: TenantId, secret: WebhookSecret): Promise<Record<string, unknown>> {
    if (!this.sealer) return { ...secret };
    return { id: secret.id, createdAt: secret.createdAt, sealed: await this.sealer.seal(tenantId, secret.value) };
  }

  /** Stored secrets opened; ones written before sealing keep their plain `value` until rotated away. */
  private async opened(tenantId: TenantId, stored: unknown): Promise<WebhookSecret[]> {
    const list = Array.isArray(stored) ? (stored as Record<string, unknown>[]) : [];
    return Promise.all(
      list.map(async (s) => {
        if (!isSealedSecret(s.sealed)) return s as unknown as WebhookSecret;
        if (!this.sealer) throw new Error('A sealed webhook secret was read without a SECRETS_KEY_ID to open it');
        return { id: String(s.id), createdAt: String(s.createdAt), value: await this.sealer.open(tenantId, s.sealed) };
      }),
    );
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Page<Connector>> {
    const pk = connectorKeys.partition(tenantId);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': connectorKeys.prefix },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, pk),
      }),
    );
    return { items: (result.Items ?? []).map(toConnector), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  private async item(tenantId: TenantId, connectorId: string) {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: connectorKeys.connector(tenantId, connectorId),
        ConsistentRead: true,
      }),
    );
    return Item ?? null;
  }

  async get(tenantId: TenantId, connectorId: string): Promise<Connector | null> {
    const item = await this.item(tenantId, connectorId);
    return item ? toConnector(item) : null;
  }

  async getCursor(tenantId: TenantId, connectorId: string): Promise<string | null> {
    const item = await this.item(tenantId, connectorId);
    return typeof item?.cursor === 'string' ? item.cursor : null;
  }

  async create(tenantId: TenantId, connector: Connector, secret: WebhookSecret | null, audit: AuditRecord) {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...toItem(tenantId, connector),
                cursor: null,
                secrets: secret ? [await this.stored(tenantId, secret)] : [],
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditPut(this.tableName, tenantId, audit),
        ],
      }),
    );
  }

  async update(
    tenantId: TenantId,
    connector: Connector,
    expectedVersion: number,
    audit: AuditRecord,
    options: { resetCursor?: boolean } = {},
  ) {
    // Only what an admin edits: counters, timestamps of runs and the cursor belong to the workflow, which may be
    // writing them right now.
    const fields = Object.fromEntries(EDITABLE.map((field) => [field, connector[field]]));
    const { gsi1pk, gsi1sk } = indexFor(tenantId, connector) as { gsi1pk?: string; gsi1sk?: string };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':expected': expectedVersion };
    const sets: string[] = [];
    Object.entries(fields).forEach(([key, value], i) => {
      names[`#f${i}`] = key;
      values[`:v${i}`] = value;
      sets.push(`#f${i} = :v${i}`);
    });
    if (options.resetCursor) sets.push('#cursor = :null');
    if (options.resetCursor) {
      names['#cursor'] = 'cursor';
      values[':null'] = null;
    }
    let expression = `SET ${sets.join(', ')}`;
    if (gsi1pk && gsi1sk) {
      expression += ', gsi1pk = :g1, gsi1sk = :g2';
      values[':g1'] = gsi1pk;
      values[':g2'] = gsi1sk;
    } else {
      expression += ' REMOVE gsi1pk, gsi1sk';
    }
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: connectorKeys.connector(tenantId, connector.id),
                UpdateExpression: expression,
                ConditionExpression: 'attribute_exists(pk) AND version = :expected',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(0)) {
        throw (await this.item(tenantId, connector.id)) ? stale() : notFound();
      }
      throw error;
    }
  }

  async delete(tenantId: TenantId, connectorId: string, audit: AuditRecord) {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: connectorKeys.connector(tenantId, connectorId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(0)) throw notFound();
      throw error;
    }
  }

  async rotateSecret(
    tenantId: TenantId,
    connector: Connector,
    secret: WebhookSecret,
    revoke: readonly string[],
    audit: AuditRecord,
  ) {
    const item = await this.item(tenantId, connector.id);
    if (!item) throw notFound();
    const kept = ((item.secrets as Record<string, unknown>[] | undefined) ?? []).filter(
      (s) => !revoke.includes(String(s.id)),
    );
    const secrets = [...kept, await this.stored(tenantId, secret)];
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: connectorKeys.connector(tenantId, connector.id),
                UpdateExpression: 'SET secrets = :secrets, webhookSecrets = :public, version = :next, updatedAt = :at',
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: {
                  ':secrets': secrets,
                  ':public': secrets.map((s) => ({ id: s.id, createdAt: s.createdAt })),
                  ':next': connector.version,
                  ':at': connector.updatedAt,
                  ':expected': connector.version - 1,
                },
              },
            },
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(0)) throw stale();
      throw error;
    }
  }

  async findWebhook(connectorId: string) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
        ExpressionAttributeValues: connectorKeysValues(connectorId),
        Limit: 2,
      }),
    );
    const hit = result.Items?.[0];
    const tenantId = hit?.tenantId;
    if (!hit || result.Items?.length !== 1 || !isTenantId(tenantId)) return null;
    // Re-read from the table itself: the index is eventually consistent, a just-rotated secret must count.
    const item = await this.item(tenantId, connectorId);
    if (item?.source !== 'webhook' || !item) return null;
    return {
      tenantId,
      connector: toConnector(item),
      secrets: await this.opened(tenantId, item.secrets),
    };
  }

  async listDue(now: string, limit: number) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':due': connectorKeys.duePartition, ':now': `${now}#~` },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).flatMap((item) => {
      const [, tenantId, connectorId] = String(item.gsi1sk).split('#');
      return tenantId && connectorId && isTenantId(tenantId) ? [{ tenantId, connectorId }] : [];
    });
  }

  async claim(tenantId: TenantId, connectorId: string, now: string, leaseUntil: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: connectorKeys.connector(tenantId, connectorId),
          UpdateExpression: 'SET nextRunAt = :lease, gsi1sk = :sk',
          ConditionExpression: 'nextRunAt <= :now AND #status IN (:active, :backing)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':lease': leaseUntil,
            ':sk': connectorKeys.due(tenantId, connectorId, leaseUntil).gsi1sk,
            ':now': now,
            ':active': 'active',
            ':backing': 'backing_off',
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async recordProgress(tenantId: TenantId, connectorId: string, progress: ConnectorProgress) {
    const key = connectorKeys.connector(tenantId, connectorId);
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':at': progress.at, ':paused': 'paused' };
    const sets = ['lastRunAt = :at'];
    const adds: string[] = [];
    if (progress.kind === 'page') {
      sets.push('#cursor = :cursor', 'lastSuccessAt = :at', 'consecutiveFailures = :zero');
      names['#cursor'] = 'cursor';
      values[':cursor'] = progress.cursor;
      values[':zero'] = 0;
      if (progress.published > 0) {
        adds.push('itemsIngested :published');
        values[':published'] = progress.published;
      }
      Object.entries(progress.skipped).forEach(([reason, n], i) => {
        if (!n) return;
        names[`#s${i}`] = `${SKIP_PREFIX}${reason}`;
        values[`:s${i}`] = n;
        adds.push(`#s${i} :s${i}`);
      });
      if (progress.nextRunAt) {
        // The walk is over for now: healthy again, due at the next run.
        sets.push('#status = :active', 'statusMessage = :null', 'nextRunAt = :next', 'gsi1pk = :due', 'gsi1sk = :sk');
        values[':active'] = 'active';
        values[':null'] = null;
        values[':next'] = progress.nextRunAt;
        values[':due'] = connectorKeys.duePartition;
        values[':sk'] = connectorKeys.due(tenantId, connectorId, progress.nextRunAt).gsi1sk;
      }
    } else {
      sets.push('#status = :status', 'statusMessage = :message', 'lastError = :error');
      values[':status'] = progress.status;
      values[':message'] = progress.message;
      values[':error'] = { at: progress.at, code: progress.code, message: progress.message };
      adds.push('consecutiveFailures :one');
      values[':one'] = 1;
      if (progress.status === 'backing_off' && progress.nextRunAt) {
        sets.push('nextRunAt = :next', 'gsi1pk = :due', 'gsi1sk = :sk');
        values[':next'] = progress.nextRunAt;
        values[':due'] = connectorKeys.duePartition;
        values[':sk'] = connectorKeys.due(tenantId, connectorId, progress.nextRunAt).gsi1sk;
      } else {
        sets.push('nextRunAt = :none');
        values[':none'] = null;
      }
    }
    const removeIndex = progress.kind === 'failure' && progress.status !== 'backing_off';
    const expression = `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}${removeIndex ? ' REMOVE gsi1pk, gsi1sk' : ''}`;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: expression,
          // A connector paused (or deleted) while it was being polled keeps that state.
          ConditionExpression: 'attribute_exists(pk) AND #status <> :paused',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      if (progress.kind === 'page') {
        // Paused mid-walk: the published page's cursor still counts, or the next resume would re-ingest it.
        await this.db
          .send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: key,
              UpdateExpression: 'SET #cursor = :cursor',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#cursor': 'cursor' },
              ExpressionAttributeValues: { ':cursor': progress.cursor },
            }),
          )
          .catch((e: Error) => {
            if (e.name !== 'ConditionalCheckFailedException') throw e;
          });
      }
    }
  }
}

function connectorKeysValues(connectorId: string) {
  const { gsi1pk, gsi1sk } = connectorKeys.webhook(connectorId);
  return { ':pk': gsi1pk, ':sk': gsi1sk };
}
