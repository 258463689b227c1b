import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '#shared/domain/workspace.ts';
import { keys } from './table-keys.ts';

/**
 * The workspace's `activeOwnerCount`: owners who have signed in. Every change to an active owner (role, removal,
 * first sign-in) adjusts it in the same transaction, and a decrement requires another active owner to remain.
 */
/** Transaction item adjusting the active-owner count; a decrement requires another active owner to remain. */
export function ownerCountChange(tableName: string, tenantId: TenantId, delta: -1 | 1) {
  return {
    Update: {
      TableName: tableName,
      Key: keys.workspace(tenantId),
      UpdateExpression: 'ADD activeOwnerCount :delta',
      ConditionExpression: delta < 0 ? 'activeOwnerCount > :one' : 'attribute_exists(pk)',
      ExpressionAttributeValues: delta < 0 ? { ':delta': -1, ':one': 1 } : { ':delta': 1 },
    },
  };
}

/** Computes `activeOwnerCount` from the members for a profile written before it existed (once; idempotent). */
export async function ensureActiveOwnerCount(
  db: DynamoDBDocumentClient,
  tableName: string,
  tenantId: TenantId,
): Promise<void> {
  const { Item: profile } = await db.send(
    new GetCommand({ TableName: tableName, Key: keys.workspace(tenantId), ConsistentRead: true }),
  );
  if (!profile || typeof profile.activeOwnerCount === 'number') return;
  const pk = keys.member(tenantId, '').pk;
  let active = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.memberPrefix },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    active += (page.Items ?? []).filter((m) => m.role === 'owner' && m.status !== 'invited').length;
    start = page.LastEvaluatedKey;
  } while (start);
  await db
    .send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.workspace(tenantId),
        UpdateExpression: 'SET activeOwnerCount = :n',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(activeOwnerCount)',
        ExpressionAttributeValues: { ':n': active },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
}
