import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '#shared/domain/errors.ts';
import type { TenantId } from '#shared/domain/workspace.ts';
import type { AuditRecord } from '#shared/ports/audit.ts';
import { keys } from './table-keys.ts';

type Key = Record<string, NativeAttributeValue>;

/**
 * Opaque page cursors: the DynamoDB key to resume from, base64url-encoded. Decoding checks that the key is in
 * the partition being listed, so a crafted cursor cannot page into another tenant's data.
 */
export function encodeCursor(key: Key | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined, expectedPk: string): Key | undefined {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  const valid =
    key !== null &&
    typeof key === 'object' &&
    (key as Key).pk === expectedPk &&
    typeof (key as Key).sk === 'string' &&
    Object.keys(key as Key).every((k) => ['pk', 'sk', 'gsi1pk', 'gsi1sk'].includes(k));
  if (!valid)
    throw new ValidationError('The page cursor is invalid or belongs to another list', { code: 'invalid_cursor' });
  return key as Key;
}

/** The transaction item that appends an audit entry (never overwrites: the sort key is time + unique id). */
export function auditPut(tableName: string, tenantId: TenantId, audit: AuditRecord) {
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.audit(tenantId, audit.at, audit.id), type: 'Audit', ...audit },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Which transaction items failed their condition, by index (empty when the failure was something else). */
export function failedConditions(error: unknown): number[] {
  if (!(error instanceof TransactionCanceledException)) return [];
  return (error.CancellationReasons ?? []).flatMap((reason, index) =>
    reason.Code === 'ConditionalCheckFailed' ? [index] : [],
  );
}

/** Strips storage-only attributes from an item. */
export function withoutKeys<T extends Record<string, unknown>>(
  item: T,
): Omit<T, 'pk' | 'sk' | 'gsi1pk' | 'gsi1sk' | 'type'> {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _t, ...rest } = item;
  return rest;
}

/** Counter attributes carry this prefix so they never collide with keys or dimension attributes (answer and signal rollups). */
export const COUNTER_PREFIX = 'c#';

/** The counters of a rollup item, without their attribute prefix. */
export function countersOf(item: Record<string, unknown>): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const [k, v] of Object.entries(item))
    if (k.startsWith(COUNTER_PREFIX) && typeof v === 'number') counters[k.slice(COUNTER_PREFIX.length)] = v;
  return counters;
}

/**
 * An `UpdateItem` expression that `SET`s the (idempotent) descriptive attributes and `ADD`s every counter.
 * Placeholders are short because DynamoDB caps an expression at 4 KB; a longer one is refused here, by name.
 */
export function counterUpdate(counters: Record<string, number>, set: Record<string, unknown>) {
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
    names[`#${id}`] = `${COUNTER_PREFIX}${k}`;
    values[`:${id}`] = v;
    adds.push(`#${id} :${id}`);
  }
  const expression = `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`;
  if (expression.length > 4096) throw new Error(`Rollup update expression too long (${expression.length} bytes)`);
  return { UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}
